package io.wharf.kafka.fetch;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OffsetForLeaderEpoch (v2+): the end offset of a leader epoch, which a consumer uses after a leader change
 * to check that its position was not truncated away (KIP-320). No leader epoch cache exists yet: every
 * partition has had one leader, in its first epoch, so that epoch ends at the log end offset; any other
 * epoch is unknown (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET), as Kafka answers an epoch it has no entry
 * for. This agrees with the log: the leader stamps every batch it appends with that epoch
 * ({@code Partition.appendAsLeader}), so the epoch a consumer takes from the records it read (and commits
 * with its offsets) is the one answered here. Batches written before stamping carry -1, which consumers
 * treat as "no epoch" and never ask about. The request's current leader epoch is not checked for fencing
 * while epochs never change.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetForLeaderEpochHandler.class);

    private final PartitionLeaders leaders;

    OffsetForLeaderEpochHandler(PartitionLeaders leaders) {
        this.leaders = leaders;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult result =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                result.partitions().add(endOffset(topic.topic(), p));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(response));
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset endOffset(
        String topic, OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p) {
        OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData.EpochEndOffset()
            .setPartition(p.partition())
            .setErrorCode(Errors.NONE.code())
            .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
            .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
        PartitionId id = new PartitionId(topic, p.partition());
        try {
            Partition partition = leaders.leader(id);
            if (p.leaderEpoch() == partition.leaderEpoch()) {
                result.setLeaderEpoch(partition.leaderEpoch()).setEndOffset(partition.logEndOffset());
            }
            return result;
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) LOG.error("OffsetForLeaderEpoch on {} failed", id, e);
            return result.setErrorCode(error.code());
        }
    }
}
