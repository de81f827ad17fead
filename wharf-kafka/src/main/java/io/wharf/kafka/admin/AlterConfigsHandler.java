package io.wharf.kafka.admin;

import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterConfigs (the legacy, non-incremental form): the configs given for a TOPIC replace its whole
 * override set — a key left out returns to the broker default — or are only validated. A BROKER resource
 * may be "changed" to nothing only ({@link BrokerConfigs}); other resource types are INVALID_REQUEST.
 */
final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final TopicManager topics;
    private final BrokerConfigs brokerConfigs;
    private final BlockingWork work;

    AlterConfigsHandler(KafkaContext context, BlockingWork work) {
        this.topics = context.broker().topics();
        this.brokerConfigs = new BrokerConfigs(context);
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, AlterConfigsRequest request) {
        return work.submit(() -> respond(request));
    }

    private AlterConfigsResponse respond(AlterConfigsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        List<AlterConfigsResourceResponse> responses = new ArrayList<>();
        ConfigResources<AlterConfigsResource> resources = new ConfigResources<>(request.data().resources(),
            AlterConfigsResource::resourceType, AlterConfigsResource::resourceName);
        for (AlterConfigsResource resource : resources.unique()) {
            ApiError error = resources.isDuplicate(resource) ? ConfigResources.duplicateError(resource.resourceName())
                : alter(resource, validateOnly);
            responses.add(new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName()).setErrorCode(error.error().code()).setErrorMessage(error.message()));
        }
        return new AlterConfigsResponse(new AlterConfigsResponseData().setResponses(responses));
    }

    private ApiError alter(AlterConfigsResource resource, boolean validateOnly) {
        try {
            Map<String, String> configs = new HashMap<>();
            for (AlterableConfig c : resource.configs()) {
                if (configs.containsKey(c.name())) throw new InvalidRequestException("Duplicate config key in request: " + c.name());
                configs.put(c.name(), c.value());
            }
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            switch (type) {
                case TOPIC -> topics.setTopicConfigs(ConfigResources.topicName(resource.resourceName()), configs, validateOnly);
                case BROKER -> brokerConfigs.refuseChanges(resource.resourceName(), new ArrayList<>(configs.keySet()));
                default -> throw new InvalidRequestException("AlterConfigs does not support the resource type " + type);
            }
            return ApiError.NONE;
        } catch (RuntimeException e) {
            return ErrorMapping.toApiError(e);
        }
    }
}
