package io.wharf.kafka.fetch;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.log.TimestampAndOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets (v1+): per partition, the offset for a timestamp. The special timestamps are EARLIEST (-2,
 * the log start offset), LATEST (-1, the last offset a consumer may read: the high watermark, or the last
 * stable offset under READ_COMMITTED — a debugging client or a follower gets the log end offset),
 * MAX_TIMESTAMP (-3, the record with the largest timestamp), EARLIEST_LOCAL (-4, the log start offset: no
 * tiered storage, so the local log is the whole log), LATEST_TIERED (-5: nothing is tiered, so no
 * offset) and EARLIEST_PENDING_UPLOAD (-6, v11: nothing is ever uploaded, so no offset either). Any other timestamp finds the first record stamped at or after it. As in Kafka, an answer at or
 * past what the client may read is "no offset" (-1), and a partition named twice is INVALID_REQUEST.
 *
 * <p>Leader epochs: no epoch cache exists yet, so only LATEST carries one (the partition's current epoch);
 * the others answer -1, which clients treat as "unknown" and never validate.
 */
final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ListOffsetsHandler.class);
    private static final short MIN_VERSION_WITH_EPOCH = 4;

    private final PartitionLeaders leaders;

    ListOffsetsHandler(PartitionLeaders leaders) {
        this.leaders = leaders;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListOffsetsRequest request) {
        Set<TopicPartition> duplicates = request.duplicatePartitions();
        ListOffsetsResponseData response = new ListOffsetsResponseData().setThrottleTimeMs(0);
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse result;
                if (duplicates.contains(new TopicPartition(topic.name(), p.partitionIndex()))) {
                    result = answer(p.partitionIndex(), Errors.INVALID_REQUEST, null, -1, context.apiVersion());
                } else {
                    result = lookup(request, topic.name(), p, context.apiVersion());
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(new ListOffsetsResponse(response));
    }

    private ListOffsetsResponseData.ListOffsetsPartitionResponse lookup(
        ListOffsetsRequest request, String topic, ListOffsetsRequestData.ListOffsetsPartition p, short version) {
        PartitionId id = new PartitionId(topic, p.partitionIndex());
        try {
            Partition partition = leaders.leader(id);
            long lastReadable = lastReadableOffset(request, partition);
            long timestamp = p.timestamp();
            if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
                return answer(p.partitionIndex(), Errors.NONE, new TimestampAndOffset(-1, lastReadable),
                    partition.leaderEpoch(), version);
            }
            Optional<TimestampAndOffset> found;
            if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                found = Optional.of(new TimestampAndOffset(-1, partition.logStartOffset()));
            } else if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                found = Optional.empty();
            } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
                found = partition.maxTimestamp().filter(t -> t.offset() < lastReadable);
            } else {
                found = partition.offsetForTimestamp(timestamp).filter(t -> t.offset() < lastReadable);
            }
            return answer(p.partitionIndex(), Errors.NONE, found.orElse(null), -1, version);
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) LOG.error("ListOffsets on {} failed", id, e);
            return answer(p.partitionIndex(), error, null, -1, version);
        }
    }

    /** A consumer may read up to the HW (or LSO); a debugging client or a follower up to the log end. */
    private static long lastReadableOffset(ListOffsetsRequest request, Partition partition) {
        if (request.replicaId() != ListOffsetsRequest.CONSUMER_REPLICA_ID) return partition.logEndOffset();
        return request.isolationLevel() == IsolationLevel.READ_COMMITTED ? partition.lastStableOffset()
            : partition.highWatermark();
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse answer(
        int partition, Errors error, TimestampAndOffset found, int leaderEpoch, short version) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse r =
            new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setTimestamp(found == null ? ListOffsetsResponse.UNKNOWN_TIMESTAMP : found.timestamp())
                .setOffset(found == null ? ListOffsetsResponse.UNKNOWN_OFFSET : found.offset());
        // LeaderEpoch exists from v4 and is not ignorable: older versions must keep the default.
        if (version >= MIN_VERSION_WITH_EPOCH) r.setLeaderEpoch(leaderEpoch);
        return r;
    }
}
