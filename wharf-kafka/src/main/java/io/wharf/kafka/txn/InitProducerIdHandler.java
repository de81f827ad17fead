package io.wharf.kafka.txn;

import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId (v0–5). An idempotent producer gets a fresh producer id at epoch 0 (the Java producer is
 * idempotent by default and asks for one before its first send). A transactional producer
 * ({@code transactional.id} set) gets its id's producer id and next epoch from the
 * {@link TransactionCoordinator}, which fences the previous instance. Both may touch ZooKeeper (a new block
 * of producer ids) and so run off the event loop.
 */
final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private static final short FIRST_VERSION_WITH_PRODUCER_FENCED = 4;

    private final ProducerIdManager producerIds;
    private final TransactionCoordinator coordinator;
    private final BlockingWork work;

    InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator coordinator, BlockingWork work) {
        this.producerIds = producerIds;
        this.coordinator = coordinator;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData d = request.data();
        if (d.transactionalId() == null) {
            return work.submit(() -> response(Errors.NONE, producerIds.nextProducerId(), (short) 0));
        }
        return work.submit(() -> {
            TransactionCoordinator.InitResult result = coordinator.initProducerId(d.transactionalId(),
                d.transactionTimeoutMs(), d.producerId(), d.producerEpoch());
            Errors error = TxnErrors.forVersion(result.error(), context.apiVersion(), FIRST_VERSION_WITH_PRODUCER_FENCED);
            return response(error, result.producerId(), result.producerEpoch());
        });
    }

    private static AbstractResponse response(Errors error, long producerId, short epoch) {
        return new InitProducerIdResponse(new InitProducerIdResponseData().setThrottleTimeMs(0)
            .setErrorCode(error.code()).setProducerId(producerId).setProducerEpoch(epoch));
    }
}
