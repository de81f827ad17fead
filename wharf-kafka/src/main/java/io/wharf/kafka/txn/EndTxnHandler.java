package io.wharf.kafka.txn;

import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;

/**
 * EndTxn: commits or aborts the producer's ongoing transaction, answered once every marker is written.
 * From v5 (transaction protocol 2) the producer epoch is bumped and the answer carries the producer id and
 * epoch to go on with.
 */
final class EndTxnHandler implements ApiHandler<EndTxnRequest> {
    private static final short FIRST_VERSION_WITH_PRODUCER_FENCED = 2;
    private static final short FIRST_VERSION_BUMPING_EPOCH = 5;

    private final TransactionCoordinator coordinator;
    private final BlockingWork work;

    EndTxnHandler(TransactionCoordinator coordinator, BlockingWork work) {
        this.coordinator = coordinator;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, EndTxnRequest request) {
        EndTxnRequestData d = request.data();
        if (context.apiVersion() >= FIRST_VERSION_BUMPING_EPOCH) {
            return work.submit(() -> {
                TransactionCoordinator.EndResult r = coordinator.endTransactionBumpingEpoch(d.transactionalId(),
                    d.producerId(), d.producerEpoch(), d.committed());
                return new EndTxnResponse(new EndTxnResponseData().setThrottleTimeMs(0).setErrorCode(r.error().code())
                    .setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
            });
        }
        return work.submit(() -> {
            Errors error = coordinator.endTransaction(d.transactionalId(), d.producerId(), d.producerEpoch(), d.committed());
            Errors answer = TxnErrors.forVersion(error, context.apiVersion(), FIRST_VERSION_WITH_PRODUCER_FENCED);
            return new EndTxnResponse(new EndTxnResponseData().setThrottleTimeMs(0).setErrorCode(answer.code()));
        });
    }
}
