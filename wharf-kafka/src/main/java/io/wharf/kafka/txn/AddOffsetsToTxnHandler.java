package io.wharf.kafka.txn;

import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.group.OffsetsTopic;
import io.wharf.broker.topic.PartitionId;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

/**
 * AddOffsetsToTxn v0–4: adds the group's partition of {@code __consumer_offsets} to the transaction, so that
 * the commit or abort marker also settles the offsets the producer then sends with TxnOffsetCommit
 * ({@code sendOffsetsToTransaction}). The offsets topic must exist; asking creates it.
 */
final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest> {
    private static final short FIRST_VERSION_WITH_PRODUCER_FENCED = 2;

    private final TransactionCoordinator coordinator;
    private final OffsetStore offsets;
    private final BlockingWork work;

    AddOffsetsToTxnHandler(TransactionCoordinator coordinator, OffsetStore offsets, BlockingWork work) {
        this.coordinator = coordinator;
        this.offsets = offsets;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AddOffsetsToTxnRequest request) {
        AddOffsetsToTxnRequestData d = request.data();
        return work.submit(() -> {
            Errors error;
            if (d.groupId() == null || d.groupId().isEmpty()) {
                error = Errors.INVALID_GROUP_ID;
            } else if (!offsets.isActive()) {
                offsets.start();
                error = Errors.COORDINATOR_LOAD_IN_PROGRESS;
            } else {
                PartitionId partition = new PartitionId(OffsetsTopic.NAME, offsets.partitionFor(d.groupId()));
                error = coordinator.addPartitions(d.transactionalId(), d.producerId(), d.producerEpoch(), List.of(partition));
            }
            Errors answer = TxnErrors.forVersion(error, context.apiVersion(), FIRST_VERSION_WITH_PRODUCER_FENCED);
            return new AddOffsetsToTxnResponse(new AddOffsetsToTxnResponseData().setThrottleTimeMs(0)
                .setErrorCode(answer.code()));
        });
    }
}
