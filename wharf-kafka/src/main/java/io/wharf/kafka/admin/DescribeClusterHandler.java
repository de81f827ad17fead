package io.wharf.kafka.admin;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.metadata.LiveBrokers;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster: the cluster id, the controller elected through ZooKeeper, and the live brokers by the
 * endpoint of the listener the request came in on. Wharf's brokers are never fenced. Asking for the
 * controllers' endpoints (endpoint type 2, which KRaft controllers answer) is UNSUPPORTED_ENDPOINT_TYPE, as
 * a Kafka broker answers it.
 */
final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    /** DescribeClusterRequest's endpoint types (KIP-919). */
    private static final byte BROKERS = 1;
    private static final byte CONTROLLERS = 2;

    private final KafkaContext context;
    private final BlockingWork work;

    DescribeClusterHandler(KafkaContext context, BlockingWork work) {
        this.context = context;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, DescribeClusterRequest request) {
        return work.submit(() -> respond(ctx, request));
    }

    private DescribeClusterResponse respond(RequestContext ctx, DescribeClusterRequest request) {
        DescribeClusterResponseData data = new DescribeClusterResponseData().setEndpointType(BROKERS)
            .setClusterId(context.clusterId()).setControllerId(context.broker().controllerId());
        byte endpointType = request.data().endpointType();
        if (ctx.apiVersion() >= 1 && endpointType != BROKERS) {
            Errors error = endpointType == CONTROLLERS ? Errors.UNSUPPORTED_ENDPOINT_TYPE : Errors.INVALID_REQUEST;
            return new DescribeClusterResponse(data.setErrorCode(error.code())
                .setErrorMessage("This broker answers only for broker endpoints (endpoint type 1), not " + endpointType));
        }
        DescribeClusterResponseData.DescribeClusterBrokerCollection brokers = new DescribeClusterResponseData.DescribeClusterBrokerCollection();
        for (LiveBrokers.Node n : LiveBrokers.read(context.broker().metadata()).nodes(ctx.listenerName())) {
            brokers.add(new DescribeClusterBroker().setBrokerId(n.id()).setHost(n.host()).setPort(n.port()).setRack(n.rack())
                .setIsFenced(false));
        }
        data.setBrokers(brokers).setErrorCode(Errors.NONE.code());
        if (request.data().includeClusterAuthorizedOperations()) {
            data.setClusterAuthorizedOperations(AuthorizedOperations.cluster());
        }
        return new DescribeClusterResponse(data);
    }
}
