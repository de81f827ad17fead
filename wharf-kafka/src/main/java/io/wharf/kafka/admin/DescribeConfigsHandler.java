package io.wharf.kafka.admin;

import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs for TOPIC resources — every topic-level key with its effective value and source
 * (TOPIC_CONFIG for an override, STATIC_BROKER_CONFIG when {@code server.properties} set the default,
 * DEFAULT_CONFIG otherwise), synonyms when asked — and BROKER resources ({@link BrokerConfigs}). A resource
 * may name the keys it wants; unknown keys are left out. GROUP resources give every group config key
 * ({@link GroupConfigs}). Other resource types (BROKER_LOGGER, CLIENT_METRICS) are answered INVALID_REQUEST:
 * Wharf has no such configs yet.
 */
final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final TopicManager topics;
    private final BrokerConfigs brokerConfigs;
    private final GroupConfigs groupConfigs;
    private final BlockingWork work;

    DescribeConfigsHandler(KafkaContext context, GroupConfigs groupConfigs, BlockingWork work) {
        this.topics = context.broker().topics();
        this.brokerConfigs = new BrokerConfigs(context);
        this.groupConfigs = groupConfigs;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, DescribeConfigsRequest request) {
        return work.submit(() -> respond(request));
    }

    private DescribeConfigsResponse respond(DescribeConfigsRequest request) {
        boolean synonyms = request.data().includeSynonyms();
        List<DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            try {
                List<DescribeConfigsResourceResult> configs = configs(resource, synonyms);
                Set<String> wanted = resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
                configs.removeIf(c -> wanted != null && !wanted.contains(c.name()));
                result.setConfigs(configs);
            } catch (RuntimeException e) {
                ApiError error = ErrorMapping.toApiError(e);
                result.setErrorCode(error.error().code()).setErrorMessage(error.message()).setConfigs(List.of());
            }
            results.add(result);
        }
        return new DescribeConfigsResponse(new DescribeConfigsResponseData().setResults(results));
    }

    private List<DescribeConfigsResourceResult> configs(DescribeConfigsResource resource, boolean synonyms) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        switch (type) {
            case TOPIC -> {
                TopicNames.validate(resource.resourceName());
                List<DescribeConfigsResourceResult> configs = new ArrayList<>();
                topics.describeConfigs(topics.overrides(resource.resourceName()))
                    .forEach(v -> configs.add(ConfigDescriptions.topicEntry(v, synonyms)));
                return configs;
            }
            case BROKER -> {
                return new ArrayList<>(brokerConfigs.describe(resource.resourceName(), synonyms));
            }
            case GROUP -> {
                List<DescribeConfigsResourceResult> configs = new ArrayList<>();
                groupConfigs.describe(resource.resourceName()).forEach(v -> configs.add(ConfigDescriptions.groupEntry(v, synonyms)));
                return configs;
            }
            default -> throw new InvalidRequestException("Unsupported resource type: " + type);
        }
    }
}
