package io.wharf.kafka.txn;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.log.ActiveProducer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers (KIP-664, {@code kafka-transactions.sh describe-producers} and {@code find-hanging}): per
 * partition led here, the producers its log remembers — epoch, last sequence, last timestamp, coordinator
 * epoch and the first offset of an open transaction. A partition of an unknown topic gets
 * UNKNOWN_TOPIC_OR_PARTITION, one led elsewhere NOT_LEADER_OR_FOLLOWER.
 */
final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {
    private final PartitionLeaders leaders;

    DescribeProducersHandler(PartitionLeaders leaders) {
        this.leaders = leaders;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeProducersRequest request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData().setThrottleTimeMs(0);
        for (DescribeProducersRequestData.TopicRequest topic : request.data().topics()) {
            DescribeProducersResponseData.TopicResponse answer = new DescribeProducersResponseData.TopicResponse()
                .setName(topic.name());
            for (int index : topic.partitionIndexes()) {
                answer.partitions().add(describe(new PartitionId(topic.name(), index)));
            }
            response.topics().add(answer);
        }
        return CompletableFuture.completedFuture(new DescribeProducersResponse(response));
    }

    private static DescribeProducersResponseData.PartitionResponse partitionError(int index, Errors error, String message) {
        return new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(index).setErrorCode(error.code())
            .setErrorMessage(message);
    }

    private DescribeProducersResponseData.PartitionResponse describe(PartitionId id) {
        Partition partition;
        try {
            partition = leaders.leader(id);
        } catch (RuntimeException e) {
            return partitionError(id.partition(), ErrorMapping.forException(e), e.getMessage());
        }
        DescribeProducersResponseData.PartitionResponse answer = new DescribeProducersResponseData.PartitionResponse()
            .setPartitionIndex(id.partition()).setErrorCode(Errors.NONE.code());
        for (ActiveProducer p : partition.activeProducers()) {
            answer.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                .setProducerId(p.producerId()).setProducerEpoch(p.epoch()).setLastSequence(p.lastSequence())
                .setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(p.coordinatorEpoch())
                .setCurrentTxnStartOffset(p.currentTransactionStartOffset()));
        }
        return answer;
    }
}
