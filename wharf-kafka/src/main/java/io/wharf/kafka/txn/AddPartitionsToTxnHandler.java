package io.wharf.kafka.txn;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn v0–3, the versions producers send (v4+ are brokers' batched verification requests,
 * which this broker never needs: it is the coordinator of every transaction). All partitions are added or
 * none: a partition of an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION and an internal topic
 * TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED; otherwise every partition gets the
 * coordinator's answer.
 */
final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {
    private static final short FIRST_VERSION_WITH_PRODUCER_FENCED = 2;

    private final TransactionCoordinator coordinator;
    private final TopicManager topics;
    private final BlockingWork work;

    AddPartitionsToTxnHandler(TransactionCoordinator coordinator, TopicManager topics, BlockingWork work) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData d = request.data();
        List<TopicPartition> requested = AddPartitionsToTxnRequest.getPartitions(d.v3AndBelowTopics());
        return work.submit(() -> {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            List<PartitionId> valid = new ArrayList<>();
            for (TopicPartition tp : requested) {
                if (Topic.isInternal(tp.topic())) {
                    errors.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (!exists(tp)) {
                    errors.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    valid.add(new PartitionId(tp.topic(), tp.partition()));
                }
            }
            if (!errors.isEmpty()) {
                for (TopicPartition tp : requested) errors.putIfAbsent(tp, Errors.OPERATION_NOT_ATTEMPTED);
            } else {
                Errors error = coordinator.addPartitions(d.v3AndBelowTransactionalId(), d.v3AndBelowProducerId(),
                    d.v3AndBelowProducerEpoch(), valid);
                Errors answer = TxnErrors.forVersion(error, context.apiVersion(), FIRST_VERSION_WITH_PRODUCER_FENCED);
                for (TopicPartition tp : requested) errors.put(tp, answer);
            }
            AddPartitionsToTxnResponseData data = new AddPartitionsToTxnResponseData().setThrottleTimeMs(0)
                .setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse.resultForTransaction(
                    AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors).topicResults());
            return new AddPartitionsToTxnResponse(data);
        });
    }

    private boolean exists(TopicPartition tp) {
        return topics.topic(tp.topic()).map(t -> tp.partition() >= 0 && tp.partition() < t.partitionCount()).orElse(false);
    }
}
