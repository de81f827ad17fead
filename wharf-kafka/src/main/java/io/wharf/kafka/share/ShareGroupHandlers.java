package io.wharf.kafka.share;

import io.wharf.broker.share.SharePartition;
import io.wharf.broker.share.SharePartitions;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;
import org.apache.kafka.common.requests.ShareGroupDescribeResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/**
 * ShareGroupHeartbeat, ShareGroupDescribe and DescribeShareGroupOffsets on the wire: topics by id in the
 * protocol, by name in the coordinator.
 */
final class ShareGroupHandlers {
    /** The assignor ShareGroupDescribe names: Kafka's, whose effect (every member reads every partition) is ours on one broker. */
    private static final String ASSIGNOR_NAME = "simple";

    private final ShareGroupCoordinator coordinator;
    private final SharePartitions partitions;
    private final SharePartitionReader reader;
    private final TopicManager topics;

    ShareGroupHandlers(ShareGroupCoordinator coordinator, SharePartitions partitions, SharePartitionReader reader,
                       TopicManager topics) {
        this.coordinator = coordinator;
        this.partitions = partitions;
        this.reader = reader;
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

    /**
     * The start offset and lag of each partition a share group reads: the named topics, or (topics null) every
     * partition whose state this broker has open for the group. A partition the group never read has start
     * offset -1, as in Kafka.
     */
    CompletableFuture<AbstractResponse> describeOffsets(RequestContext context, DescribeShareGroupOffsetsRequest request) {
        List<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup> groups = new ArrayList<>();
        for (DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup g : request.data().groups()) {
            DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup out =
                new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup().setGroupId(g.groupId());
            if (!coordinator.exists(g.groupId()) && partitions.ofGroup(g.groupId()).isEmpty() && g.topics() == null) {
                groups.add(out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + g.groupId() + " not found."));
                continue;
            }
            Map<String, Set<Integer>> wanted = new TreeMap<>();
            if (g.topics() == null) {
                for (Map.Entry<SharePartitions.Key, SharePartition> e : partitions.ofGroup(g.groupId())) {
                    wanted.computeIfAbsent(e.getKey().topic(), t -> new TreeSet<>()).add(e.getKey().partition());
                }
            } else {
                for (DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic t : g.topics()) {
                    wanted.computeIfAbsent(t.topicName(), n -> new TreeSet<>()).addAll(t.partitions());
                }
            }
            List<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic> outTopics = new ArrayList<>();
            wanted.forEach((topic, ps) -> {
                List<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition> outPartitions = new ArrayList<>();
                for (int p : ps) outPartitions.add(offsetOf(g.groupId(), topic, p));
                outTopics.add(new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic()
                    .setTopicName(topic).setTopicId(TopicIdCodec.idOf(topics, topic).orElse(Uuid.ZERO_UUID)).setPartitions(outPartitions));
            });
            groups.add(out.setTopics(outTopics));
        }
        return CompletableFuture.completedFuture(new DescribeShareGroupOffsetsResponse(
            new DescribeShareGroupOffsetsResponseData().setGroups(groups)));
    }

    private DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition offsetOf(String groupId,
                                                                                                      String topic, int p) {
        DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition out =
            new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition().setPartitionIndex(p)
                .setStartOffset(-1).setLeaderEpoch(-1).setLag(-1);
        try {
            Partition log = reader.log(topic, p);
            SharePartition state = partitions.existing(new SharePartitions.Key(groupId, topic, p), log.logStartOffset());
            if (state != null) {
                out.setStartOffset(state.startOffset()).setLeaderEpoch(log.leaderEpoch()).setLag(state.lag(log.highWatermark()));
            }
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            out.setErrorCode(error.code()).setErrorMessage(error.message());
        }
        return out;
    }
}
