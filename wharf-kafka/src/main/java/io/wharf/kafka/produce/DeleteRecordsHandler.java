package io.wharf.kafka.produce;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords (all versions): moves each partition's log start offset up to the requested offset (-1: the
 * high watermark) and answers the new low watermark. Records below it are unreadable at once; their
 * segments go with the next retention pass. With a single replica the low watermark is reached on every
 * replica as soon as the leader moves it, so there is nothing to wait for.
 *
 * <p>Refusals as in Kafka: internal topics (INVALID_TOPIC_EXCEPTION), an offset above the high watermark or
 * negative (OFFSET_OUT_OF_RANGE), a topic without the delete cleanup policy (POLICY_VIOLATION).
 */
final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordsHandler.class);

    private final PartitionLeaders leaders;

    DeleteRecordsHandler(PartitionLeaders leaders) {
        this.leaders = leaders;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData().setThrottleTimeMs(0);
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection results =
                new DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection();
            for (DeleteRecordsRequestData.DeleteRecordsPartition partition : topic.partitions()) {
                results.add(delete(context, topic.name(), partition));
            }
            response.topics().add(new DeleteRecordsResponseData.DeleteRecordsTopicResult()
                .setName(topic.name()).setPartitions(results));
        }
        return CompletableFuture.completedFuture(new DeleteRecordsResponse(response));
    }

    private DeleteRecordsResponseData.DeleteRecordsPartitionResult delete(
        RequestContext context, String topic, DeleteRecordsRequestData.DeleteRecordsPartition partition) {
        DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
            new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(partition.partitionIndex());
        PartitionId id = new PartitionId(topic, partition.partitionIndex());
        if (Topic.isInternal(topic)) {
            return result.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        }
        try {
            long lowWatermark = leaders.leader(id).deleteRecordsBefore(partition.offset());
            LOG.info("Deleted records of {} before offset {} for {} (client {}); log start offset is now {}",
                id, partition.offset(), context.clientAddress(), context.clientId(), lowWatermark);
            return result.setErrorCode(Errors.NONE.code()).setLowWatermark(lowWatermark);
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) LOG.error("DeleteRecords on {} failed", id, e);
            return result.setErrorCode(error.code()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        }
    }
}
