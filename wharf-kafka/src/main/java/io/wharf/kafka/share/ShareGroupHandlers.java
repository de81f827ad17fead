package io.wharf.kafka.share;

import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;
import org.apache.kafka.common.requests.ShareGroupDescribeResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/**
 * ShareGroupHeartbeat and ShareGroupDescribe on the wire: topics by id in the protocol, by name in the
 * coordinator.
 */
final class ShareGroupHandlers {
    /** The assignor ShareGroupDescribe names: Kafka's, whose effect (every member reads every partition) is ours on one broker. */
    private static final String ASSIGNOR_NAME = "simple";

    private final ShareGroupCoordinator coordinator;
    private final TopicManager topics;

    ShareGroupHandlers(ShareGroupCoordinator coordinator, TopicManager topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    CompletableFuture<AbstractResponse> heartbeat(RequestContext context, ShareGroupHeartbeatRequest request) {
        ShareGroupHeartbeatRequestData d = request.data();
        ShareGroupCoordinator.HeartbeatResult r = coordinator.heartbeat(new ShareGroupCoordinator.Heartbeat(d.groupId(),
            d.memberId(), d.memberEpoch(), d.rackId(), d.subscribedTopicNames(), context.clientId(),
            context.clientHost()));
        ShareGroupHeartbeatResponseData data = new ShareGroupHeartbeatResponseData()
            .setErrorCode(r.error().code())
            .setErrorMessage(r.message())
            .setMemberId(r.memberId())
            .setMemberEpoch(r.memberEpoch())
            .setHeartbeatIntervalMs(r.heartbeatIntervalMs());
        if (r.assignment() != null) {
            List<ShareGroupHeartbeatResponseData.TopicPartitions> assigned = new ArrayList<>();
            r.assignment().forEach((topic, ps) -> TopicIdCodec.idOf(topics, topic).ifPresent(id -> assigned.add(
                new ShareGroupHeartbeatResponseData.TopicPartitions().setTopicId(id).setPartitions(List.copyOf(ps)))));
            data.setAssignment(new ShareGroupHeartbeatResponseData.Assignment().setTopicPartitions(assigned));
        }
        return CompletableFuture.completedFuture(new ShareGroupHeartbeatResponse(data));
    }

    CompletableFuture<AbstractResponse> describe(RequestContext context, ShareGroupDescribeRequest request) {
        List<ShareGroupDescribeResponseData.DescribedGroup> described = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            ShareGroupCoordinator.GroupView g = coordinator.describe(groupId);
            ShareGroupDescribeResponseData.DescribedGroup group = new ShareGroupDescribeResponseData.DescribedGroup()
                .setGroupId(groupId)
                .setErrorCode(g.error().code())
                .setErrorMessage(g.message());
            if (g.error() == Errors.NONE) {
                List<ShareGroupDescribeResponseData.Member> members = new ArrayList<>();
                for (ShareGroupCoordinator.MemberView m : g.members()) {
                    List<ShareGroupDescribeResponseData.TopicPartitions> assigned = new ArrayList<>();
                    m.assignment().forEach((topic, ps) -> TopicIdCodec.idOf(topics, topic).ifPresent(id -> assigned.add(
                        new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(id).setTopicName(topic)
                            .setPartitions(List.copyOf(ps)))));
                    members.add(new ShareGroupDescribeResponseData.Member()
                        .setMemberId(m.memberId())
                        .setRackId(m.rackId())
                        .setMemberEpoch(m.memberEpoch())
                        .setClientId(m.clientId())
                        .setClientHost(m.clientHost())
                        .setSubscribedTopicNames(m.subscribedTopicNames())
                        .setAssignment(new ShareGroupDescribeResponseData.Assignment().setTopicPartitions(assigned)));
                }
                group.setGroupState(g.state())
                    .setGroupEpoch(g.groupEpoch())
                    .setAssignmentEpoch(g.groupEpoch())
                    .setAssignorName(ASSIGNOR_NAME)
                    .setMembers(members)
                    .setAuthorizedOperations(request.data().includeAuthorizedOperations() ? AuthorizedOperations.group()
                        : Integer.MIN_VALUE);
            }
            described.add(group);
        }
        return CompletableFuture.completedFuture(new ShareGroupDescribeResponse(
            new ShareGroupDescribeResponseData().setGroups(described)));
    }
}
