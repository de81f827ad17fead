package io.wharf.kafka.group;

import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import io.wharf.kafka.group.consumer.Assignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/**
 * ConsumerGroupHeartbeat and ConsumerGroupDescribe on the wire. The protocol names topics by id; the
 * coordinator by name: owned partitions of a topic this broker does not know (deleted meanwhile) are dropped.
 */
final class ConsumerGroupHandlers {
    /** The member type ConsumerGroupDescribe v1 reports: every member here speaks the consumer protocol. */
    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private final ConsumerGroupCoordinator coordinator;
    private final TopicManager topics;

    ConsumerGroupHandlers(ConsumerGroupCoordinator coordinator, TopicManager topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    CompletableFuture<AbstractResponse> heartbeat(RequestContext context, ConsumerGroupHeartbeatRequest request) {
        ConsumerGroupHeartbeatRequestData d = request.data();
        Assignment owned = null;
        if (d.topicPartitions() != null) {
            Map<String, Set<Integer>> byName = new HashMap<>();
            for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : d.topicPartitions()) {
                topics.topicById(TopicIdCodec.toText(tp.topicId()))
                    .ifPresent(t -> byName.computeIfAbsent(t.name(), n -> new TreeSet<>()).addAll(tp.partitions()));
            }
            owned = Assignment.of(byName);
        }
        ConsumerGroupCoordinator.Heartbeat heartbeat = new ConsumerGroupCoordinator.Heartbeat(d.groupId(), d.memberId(),
            d.memberEpoch(), d.instanceId(), d.rackId(), d.rebalanceTimeoutMs(), d.subscribedTopicNames(),
            d.subscribedTopicRegex(), d.serverAssignor(), owned, context.clientId(),
            context.clientHost());
        ConsumerGroupCoordinator.HeartbeatResult r = coordinator.heartbeat(heartbeat);
        ConsumerGroupHeartbeatResponseData data = new ConsumerGroupHeartbeatResponseData()
            .setErrorCode(r.error().code())
            .setErrorMessage(r.message())
            .setMemberId(r.memberId())
            .setMemberEpoch(r.memberEpoch())
            .setHeartbeatIntervalMs(r.heartbeatIntervalMs());
        if (r.assignment() != null) {
            List<ConsumerGroupHeartbeatResponseData.TopicPartitions> assigned = new ArrayList<>();
            r.assignment().byTopic().forEach((topic, ps) -> TopicIdCodec.idOf(topics, topic).ifPresent(id -> assigned.add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(id).setPartitions(List.copyOf(ps)))));
            data.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(assigned));
        }
        return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponse(data));
    }

    CompletableFuture<AbstractResponse> describe(RequestContext context, ConsumerGroupDescribeRequest request) {
        int operations = request.data().includeAuthorizedOperations() ? GroupAdminHandlers.GROUP_OPERATIONS
            : Integer.MIN_VALUE;
        List<ConsumerGroupDescribeResponseData.DescribedGroup> groups = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            ConsumerGroupCoordinator.GroupView g = coordinator.describe(groupId);
            ConsumerGroupDescribeResponseData.DescribedGroup described = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(groupId)
                .setErrorCode(g.error().code())
                .setErrorMessage(g.message());
            if (g.error() == Errors.NONE) {
                List<ConsumerGroupDescribeResponseData.Member> members = new ArrayList<>();
                for (ConsumerGroupCoordinator.MemberView m : g.members()) {
                    members.add(new ConsumerGroupDescribeResponseData.Member()
                        .setMemberId(m.memberId())
                        .setInstanceId(m.instanceId())
                        .setRackId(m.rackId())
                        .setMemberEpoch(m.memberEpoch())
                        .setClientId(m.clientId())
                        .setClientHost(m.clientHost())
                        .setSubscribedTopicNames(m.subscribedTopicNames())
                        .setSubscribedTopicRegex(m.subscribedTopicRegex())
                        .setAssignment(described(m.assignment()))
                        .setTargetAssignment(described(m.targetAssignment()))
                        .setMemberType(CONSUMER_MEMBER_TYPE));
                }
                described.setGroupState(g.state())
                    .setGroupEpoch(g.groupEpoch())
                    .setAssignmentEpoch(g.assignmentEpoch())
                    .setAssignorName(g.assignorName())
                    .setMembers(members)
                    .setAuthorizedOperations(operations);
            }
            groups.add(described);
        }
        return CompletableFuture.completedFuture(new ConsumerGroupDescribeResponse(
            new ConsumerGroupDescribeResponseData().setGroups(groups)));
    }

    private ConsumerGroupDescribeResponseData.Assignment described(Assignment assignment) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> out = new ArrayList<>();
        assignment.byTopic().forEach((topic, ps) -> TopicIdCodec.idOf(topics, topic).ifPresent(id -> out.add(
            new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(id).setTopicName(topic)
                .setPartitions(List.copyOf(ps)))));
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(out);
    }
}
