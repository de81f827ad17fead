package io.wharf.kafka.share;

import io.wharf.broker.share.SharePartition;
import io.wharf.broker.share.SharePartitions;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.TopicManager;
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
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsResponse;

/**
 * A share group's offsets: DescribeShareGroupOffsets, AlterShareGroupOffsets and DeleteShareGroupOffsets
 * (what {@code kafka-share-groups.sh --describe}, {@code --reset-offsets} and {@code --delete-offsets} send).
 * Altering or deleting needs the group to have no members, as in Kafka; altering the offsets of a group that
 * does not exist yet creates it, so a group can be set up before its consumers start.
 */
final class ShareOffsetHandlers {
    private final ShareGroupCoordinator coordinator;
    private final SharePartitions partitions;
    private final SharePartitionReader reader;
    private final TopicManager topics;

    ShareOffsetHandlers(ShareGroupCoordinator coordinator, SharePartitions partitions, SharePartitionReader reader,
                        TopicManager topics) {
        this.coordinator = coordinator;
        this.partitions = partitions;
        this.reader = reader;
        this.topics = topics;
    }

    /**
     * The start offset and lag of each partition a share group reads: the named topics, or (topics null) every
     * partition for which the group has state. A partition the group never read has start
     * offset -1, as in Kafka.
     */
    CompletableFuture<AbstractResponse> describe(RequestContext context, DescribeShareGroupOffsetsRequest request) {
        List<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup> groups = new ArrayList<>();
        for (DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup g : request.data().groups()) {
            DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup out =
                new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup().setGroupId(g.groupId());
            if (!coordinator.exists(g.groupId()) && g.topics() == null) {
                groups.add(out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + g.groupId() + " not found."));
                continue;
            }
            Map<String, Set<Integer>> wanted = new TreeMap<>();
            if (g.topics() == null) {
                for (SharePartitions.Key key : partitions.keysOf(g.groupId())) {
                    wanted.computeIfAbsent(key.topic(), t -> new TreeSet<>()).add(key.partition());
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

    /**
     * Moves each named partition's start offset: records before it are settled, records from it on are
     * available again (acquired records cannot exist: the group is empty). An offset outside the log is
     * brought inside it, as the tool's {@code --to-offset} is.
     */
    CompletableFuture<AbstractResponse> alter(RequestContext context, AlterShareGroupOffsetsRequest request) {
        AlterShareGroupOffsetsRequestData d = request.data();
        AlterShareGroupOffsetsResponseData data = new AlterShareGroupOffsetsResponseData();
        if (d.groupId() == null || d.groupId().isEmpty()) {
            return respond(data.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("The group id is empty."));
        }
        List<AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic> responses = new ArrayList<>();
        Errors groupError = coordinator.whileEmpty(d.groupId(), true, () -> {
            for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic t : d.topics()) {
                List<AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition> out = new ArrayList<>();
                for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition p : t.partitions()) {
                    Errors error = alterOne(d.groupId(), t.topicName(), p.partitionIndex(), p.startOffset());
                    out.add(new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())
                        .setErrorMessage(error == Errors.NONE ? null : error.message()));
                }
                responses.add(new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic()
                    .setTopicName(t.topicName()).setTopicId(TopicIdCodec.idOf(topics, t.topicName()).orElse(Uuid.ZERO_UUID))
                    .setPartitions(out));
            }
        });
        if (groupError != Errors.NONE) {
            return respond(data.setErrorCode(groupError.code()).setErrorMessage(groupMessage(d.groupId(), groupError)));
        }
        responses.forEach(r -> data.responses().add(r));
        return respond(data);
    }

    private Errors alterOne(String groupId, String topic, int partition, long startOffset) {
        if (startOffset < 0) return Errors.INVALID_REQUEST;
        try {
            Partition log = reader.log(topic, partition);
            long logStart = log.logStartOffset();
            long target = Math.max(logStart, Math.min(startOffset, log.highWatermark()));
            SharePartition state = partitions.open(new SharePartitions.Key(groupId, topic, partition), () -> target, logStart);
            return state.resetTo(target, logStart) ? Errors.NONE : Errors.NON_EMPTY_GROUP;
        } catch (RuntimeException e) {
            return ErrorMapping.forException(e);
        }
    }

    /** Deletes the group's state of every partition of each named topic: it reads them afresh, at share.auto.offset.reset. */
    CompletableFuture<AbstractResponse> delete(RequestContext context, DeleteShareGroupOffsetsRequest request) {
        DeleteShareGroupOffsetsRequestData d = request.data();
        DeleteShareGroupOffsetsResponseData data = new DeleteShareGroupOffsetsResponseData();
        if (d.groupId() == null || d.groupId().isEmpty()) {
            return respond(data.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("The group id is empty."));
        }
        List<DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic> responses = new ArrayList<>();
        Errors groupError = coordinator.whileEmpty(d.groupId(), false, () -> {
            List<SharePartitions.Key> keys = partitions.keysOf(d.groupId());
            for (DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic t : d.topics()) {
                DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic out =
                    new DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic().setTopicName(t.topicName())
                        .setTopicId(TopicIdCodec.idOf(topics, t.topicName()).orElse(Uuid.ZERO_UUID));
                if (topics.topic(t.topicName()).isEmpty()) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                } else {
                    for (SharePartitions.Key key : keys) if (key.topic().equals(t.topicName())) partitions.delete(key);
                }
                responses.add(out);
            }
        });
        if (groupError != Errors.NONE) {
            return respond(data.setErrorCode(groupError.code()).setErrorMessage(groupMessage(d.groupId(), groupError)));
        }
        return respond(data.setResponses(responses));
    }

    private static String groupMessage(String groupId, Errors error) {
        return switch (error) {
            case NON_EMPTY_GROUP -> "Share group " + groupId + " has members: its offsets change only while it is empty.";
            case GROUP_ID_NOT_FOUND -> "Group " + groupId + " is not a share group this broker knows.";
            default -> error.message();
        };
    }

    private static CompletableFuture<AbstractResponse> respond(AlterShareGroupOffsetsResponseData data) {
        return CompletableFuture.completedFuture(new AlterShareGroupOffsetsResponse(data));
    }

    private static CompletableFuture<AbstractResponse> respond(DeleteShareGroupOffsetsResponseData data) {
        return CompletableFuture.completedFuture(new DeleteShareGroupOffsetsResponse(data));
    }
}
