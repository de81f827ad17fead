package io.wharf.kafka.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * ApiVersions: advertises the {@link ApiRegistry} — only what is implemented. One exception, as Kafka 4
 * does: Produce is advertised from version 0, because librdkafka picks its record format from the
 * advertised Produce range (KAFKA-18659); versions 0-2 are then answered with UNSUPPORTED_VERSION. The
 * feature levels come from {@link BrokerFeatures}.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;

    public ApiVersionsHandler(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
        if (!request.isValid()) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, Errors.INVALID_REQUEST.exception()));
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponse(response(Errors.NONE)));
    }

    /** The advertised table; also sent, with UNSUPPORTED_VERSION, to a client asking a version we lack. */
    public ApiVersionsResponseData response(Errors error) {
        ApiVersionsResponseData.ApiVersionCollection versions = new ApiVersionsResponseData.ApiVersionCollection();
        registry.all().values().forEach(r -> versions.add(new ApiVersionsResponseData.ApiVersion()
            .setApiKey(r.api().id)
            .setMinVersion(r.api() == ApiKeys.PRODUCE ? 0 : r.minVersion())
            .setMaxVersion(r.maxVersion())));
        ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(error.code()).setApiKeys(versions)
            .setThrottleTimeMs(0);
        BrokerFeatures.addTo(response);
        return response;
    }
}
