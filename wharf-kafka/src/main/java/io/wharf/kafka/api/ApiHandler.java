package io.wharf.kafka.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Handles one Kafka API. Called on the connection's event loop, in request order, so it must not block:
 * work that waits (a long-poll fetch, an {@code acks=all} produce) returns an incomplete future and
 * completes it later from any thread. The connection still sends responses in request order.
 *
 * @param <Q> the request type (kafka-clients' parsed request class)
 */
@FunctionalInterface
public interface ApiHandler<Q extends AbstractRequest> {
    /** Completes with the response, or with {@code null} when no response is due (produce with acks=0). */
    CompletableFuture<AbstractResponse> handle(RequestContext context, Q request);
}
