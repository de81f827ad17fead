package io.wharf.kafka.txn;

import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0 (the Java producer is
 * idempotent by default and asks for one before its first send). Transactional producers
 * ({@code transactional.id} set) need the transaction coordinator, which is not built yet: they are
 * answered with a clear error rather than a fake id.
 */
final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdHandler.class);
    private final ProducerIdManager producerIds;

    InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdResponseData data = new InitProducerIdResponseData().setThrottleTimeMs(0);
        if (request.data().transactionalId() != null) {
            LOG.warn("Client {} asked for transactional id '{}': transactions are not implemented in this build",
                context.clientId(), request.data().transactionalId());
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setProducerId(-1).setProducerEpoch((short) -1);
            return CompletableFuture.completedFuture(new InitProducerIdResponse(data));
        }
        // Claiming a new block talks to ZooKeeper (once per thousand ids): off the event loop.
        return CompletableFuture.supplyAsync(producerIds::nextProducerId)
            .thenApply(id -> new InitProducerIdResponse(data.setErrorCode(Errors.NONE.code()).setProducerId(id)
                .setProducerEpoch((short) 0)));
    }
}
