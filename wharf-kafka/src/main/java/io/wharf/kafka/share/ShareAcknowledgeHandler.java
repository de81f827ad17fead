package io.wharf.kafka.share;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;

/**
 * ShareAcknowledge (v1, v2): acknowledgements outside a fetch — {@code commitSync}/{@code commitAsync}, a
 * renewal, or the last ones at close (epoch -1, which also closes the share session and releases what the
 * member still holds in the session's partitions).
 */
final class ShareAcknowledgeHandler {
    private final ShareGroupCoordinator groups;
    private final ShareSessions sessions;
    private final SharePartitionReader reader;
    private final TopicManager topics;
    private final GroupConfigs groupConfigs;

    ShareAcknowledgeHandler(ShareGroupCoordinator groups, ShareSessions sessions, SharePartitionReader reader,
                            TopicManager topics, GroupConfigs groupConfigs) {
        this.groups = groups;
        this.sessions = sessions;
        this.reader = reader;
        this.topics = topics;
        this.groupConfigs = groupConfigs;
    }

    CompletableFuture<AbstractResponse> handle(RequestContext context, ShareAcknowledgeRequest request) {
        ShareAcknowledgeRequestData d = request.data();
        long owner = groups.ownerOf(d.groupId(), d.memberId());
        if (owner < 0) return done(d.groupId(), Errors.UNKNOWN_MEMBER_ID, new LinkedHashMap<>());
        ShareSessions.Standing standing = sessions.acknowledge(d.groupId(), d.memberId(), d.shareSessionEpoch());
        if (standing.error() != Errors.NONE) return done(d.groupId(), standing.error(), new LinkedHashMap<>());
        LinkedHashMap<TopicIdPartition, ShareAcknowledgeResponseData.PartitionData> results = new LinkedHashMap<>();
        for (ShareAcknowledgeRequestData.AcknowledgeTopic t : d.topics()) {
            Optional<String> topic = topicName(t.topicId());
            for (ShareAcknowledgeRequestData.AcknowledgePartition p : t.partitions()) {
                List<SharePartitionReader.AckBatch> batches = new ArrayList<>();
                for (ShareAcknowledgeRequestData.AcknowledgementBatch b : p.acknowledgementBatches()) {
                    batches.add(new SharePartitionReader.AckBatch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes()));
                }
                Errors error;
                if (topic.isEmpty()) {
                    error = Errors.UNKNOWN_TOPIC_ID;
                } else {
                    try {
                        error = reader.acknowledge(d.groupId(), owner, topic.get(), p.partitionIndex(), batches);
                    } catch (RuntimeException e) {
                        error = ErrorMapping.forException(e);
                    }
                }
                results.put(new TopicIdPartition(t.topicId(), p.partitionIndex(), topic.orElse(null)),
                    ShareAcknowledgeResponse.partitionResponse(p.partitionIndex(), error));
            }
        }
        if (d.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            for (ShareSessions.SessionPartition sp : standing.partitions()) {
                Optional<String> topic = topicName(sp.topicId());
                try {
                    if (topic.isPresent()) reader.releaseAll(d.groupId(), owner, topic.get(), sp.partition());
                } catch (RuntimeException e) {
                    // Not led here any more: nothing of it to release on this broker.
                }
            }
        }
        return done(d.groupId(), Errors.NONE, results);
    }

    private Optional<String> topicName(Uuid topicId) {
        if (Uuid.ZERO_UUID.equals(topicId)) return Optional.empty();
        return topics.topicById(TopicIdCodec.toText(topicId)).map(TopicMetadata::name);
    }

    private CompletableFuture<AbstractResponse> done(String groupId, Errors error,
                                                     LinkedHashMap<TopicIdPartition, ShareAcknowledgeResponseData.PartitionData> results) {
        return CompletableFuture.completedFuture(ShareAcknowledgeResponse.of(error, 0, results, List.of(),
            groupConfigs.of(groupId).share().recordLockDurationMs()));
    }
}
