package io.wharf.kafka.group;

import io.wharf.broker.metadata.Endpoint;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator for consumer groups and transactional ids: this broker coordinates every group and every
 * transaction, so the answer is this broker's
 * endpoint on the listener the request came in on — once {@code __consumer_offsets} exists. The first
 * request for a group creates that topic (off the event loop) and is answered when it is there. From v4 one
 * request names several groups (batched coordinator keys).
 *
 * <p>Transactional ids (TRANSACTION keys) are answered the same way once {@code __transaction_state}
 * exists; other key types (share groups) get INVALID_REQUEST.
 */
final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private static final byte GROUP = FindCoordinatorRequest.CoordinatorType.GROUP.id();
    private static final byte TRANSACTION = FindCoordinatorRequest.CoordinatorType.TRANSACTION.id();

    private final KafkaContext context;
    /** Start the coordinators; each future completes once the coordinator's topic exists. */
    private final Supplier<CompletableFuture<Void>> groupsReady;
    private final Supplier<CompletableFuture<Void>> transactionsReady;
    private final BlockingWork blocking = new BlockingWork("find-coordinator", 1);
    /** This broker's endpoint per listener name, read from its ZooKeeper registration once. */
    private final Map<String, Node> self = new ConcurrentHashMap<>();

    FindCoordinatorHandler(KafkaContext context, Supplier<CompletableFuture<Void>> groupsReady,
                           Supplier<CompletableFuture<Void>> transactionsReady) {
        this.context = context;
        this.groupsReady = groupsReady;
        this.transactionsReady = transactionsReady;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, FindCoordinatorRequest request) {
        FindCoordinatorRequestData d = request.data();
        short version = ctx.apiVersion();
        List<String> keys = version >= FindCoordinatorRequest.MIN_BATCHED_VERSION ? d.coordinatorKeys() : List.of(d.key());
        if (d.keyType() != GROUP && d.keyType() != TRANSACTION) {
            return done(response(version, keys, Errors.INVALID_REQUEST, Node.noNode(),
                "Unsupported coordinator key type " + d.keyType()));
        }
        CompletableFuture<Void> topicReady = (d.keyType() == GROUP ? groupsReady : transactionsReady).get();
        Node cached = self.get(ctx.listenerName());
        if (cached != null && topicReady.isDone() && !topicReady.isCompletedExceptionally()) {
            return done(response(version, keys, Errors.NONE, cached, null));
        }
        return topicReady.handle((ok, failure) -> failure)
            .thenCompose(failure -> blocking.submit(() -> failure != null
                ? response(version, keys, Errors.COORDINATOR_NOT_AVAILABLE, Node.noNode(), "The coordinator's topic is not available")
                : answer(version, keys, ctx.listenerName())));
    }

    /** Runs on the blocking pool: may read this broker's registration from ZooKeeper. */
    private AbstractResponse answer(short version, List<String> keys, String listenerName) {
        Node node = self.get(listenerName);
        if (node == null) {
            Endpoint endpoint = context.broker().metadata().broker(context.brokerId())
                .flatMap(r -> r.endpoint(listenerName)).orElse(null);
            if (endpoint == null) {
                return response(version, keys, Errors.COORDINATOR_NOT_AVAILABLE, Node.noNode(),
                    "Broker " + context.brokerId() + " is not registered with listener " + listenerName + " yet");
            }
            node = new Node(context.brokerId(), endpoint.host(), endpoint.port());
            self.put(listenerName, node);
        }
        return response(version, keys, Errors.NONE, node, null);
    }

    private static AbstractResponse response(short version, List<String> keys, Errors error, Node node, String message) {
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (version < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            data.setErrorCode(error.code()).setErrorMessage(message).setNodeId(node.id()).setHost(node.host())
                .setPort(node.port());
        } else {
            List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>(keys.size());
            for (String key : keys) {
                coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key).setErrorCode(error.code())
                    .setErrorMessage(message).setNodeId(node.id()).setHost(node.host()).setPort(node.port()));
            }
            data.setCoordinators(coordinators);
        }
        return new FindCoordinatorResponse(data);
    }

    private static CompletableFuture<AbstractResponse> done(AbstractResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
