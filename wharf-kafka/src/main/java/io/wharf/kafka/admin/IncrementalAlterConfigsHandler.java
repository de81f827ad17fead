package io.wharf.kafka.admin;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.topic.TopicConfigs;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs on TOPIC resources: SET and DELETE an override, APPEND to and SUBTRACT from a
 * list-valued key ({@code cleanup.policy}), starting from the topic's effective value. All operations on
 * one topic apply together after validation, or not at all. Errors per resource: INVALID_CONFIG (unknown
 * key, bad value, APPEND/SUBTRACT on a key that is not a list), INVALID_REQUEST (a key or resource given
 * twice, an unknown operation), UNKNOWN_TOPIC_OR_PARTITION. GROUP resources take SET and DELETE of the
 * group config keys ({@link GroupConfigs}). BROKER resources are read-only ({@link BrokerConfigs}); other
 * resource types are INVALID_REQUEST.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final TopicManager topics;
    private final BrokerConfigs brokerConfigs;
    private final GroupConfigs groupConfigs;
    private final BlockingWork work;

    IncrementalAlterConfigsHandler(KafkaContext context, GroupConfigs groupConfigs, BlockingWork work) {
        this.topics = context.broker().topics();
        this.brokerConfigs = new BrokerConfigs(context);
        this.groupConfigs = groupConfigs;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, IncrementalAlterConfigsRequest request) {
        return work.submit(() -> respond(request));
    }

    private IncrementalAlterConfigsResponse respond(IncrementalAlterConfigsRequest request) {
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
        return new IncrementalAlterConfigsResponse(new IncrementalAlterConfigsResponseData().setResponses(responses));
    }

    private ApiError alter(AlterConfigsResource resource, boolean validateOnly) {
        try {
            Set<String> keys = new HashSet<>();
            for (AlterableConfig c : resource.configs()) {
                if (!keys.add(c.name())) throw new InvalidRequestException("Error due to duplicate config keys: " + c.name());
            }
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            switch (type) {
                case TOPIC -> alterTopic(ConfigResources.topicName(resource.resourceName()), resource, validateOnly);
                case BROKER -> brokerConfigs.refuseChanges(resource.resourceName(), new ArrayList<>(keys));
                case GROUP -> alterGroup(resource, validateOnly);
                default -> throw new InvalidRequestException("IncrementalAlterConfigs does not support the resource type " + type);
            }
            return ApiError.NONE;
        } catch (RuntimeException e) {
            return ErrorMapping.toApiError(e);
        }
    }

    private void alterTopic(String topic, AlterConfigsResource resource, boolean validateOnly) {
        Map<String, String> overrides = topics.overrides(topic);
        for (AlterableConfig c : resource.configs()) {
            if (!TopicConfigs.isKnown(c.name())) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Unknown topic config name: " + c.name());
            }
            AlterConfigOp.OpType op = opType(c.configOperation());
            switch (op) {
                case SET -> overrides.put(c.name(), c.value());
                case DELETE -> overrides.remove(c.name());
                case APPEND, SUBTRACT -> overrides.put(c.name(), alterList(overrides, c, op));
            }
        }
        topics.setTopicConfigs(topic, overrides, validateOnly);
    }

    private void alterGroup(AlterConfigsResource resource, boolean validateOnly) {
        Map<String, String> overrides = groupConfigs.overrides(resource.resourceName());
        for (AlterableConfig c : resource.configs()) {
            switch (opType(c.configOperation())) {
                case SET -> overrides.put(c.name(), c.value());
                case DELETE -> overrides.remove(c.name());
                case APPEND, SUBTRACT -> throw new BrokerException(BrokerError.INVALID_CONFIG, "Config value "
                    + opType(c.configOperation()).name().toLowerCase(java.util.Locale.ROOT) + " is not allowed for config key: "
                    + c.name());
            }
        }
        groupConfigs.alter(resource.resourceName(), overrides, validateOnly);
    }

    private static AlterConfigOp.OpType opType(byte id) {
        try {
            return AlterConfigOp.OpType.forId(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown config operation " + id);
        }
    }

    /** The list value after APPEND (values not yet in it, at the end) or SUBTRACT (every occurrence removed). */
    private String alterList(Map<String, String> overrides, AlterableConfig c, AlterConfigOp.OpType op) {
        TopicConfigs.Key key = TopicConfigs.KEYS.get(c.name());
        if (key.type() != TopicConfigs.ValueType.LIST) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, "Config value " + op.name().toLowerCase(java.util.Locale.ROOT)
                + " is not allowed for config key: " + c.name());
        }
        String current = overrides.get(c.name());
        if (current == null) {
            current = topics.describeConfigs(overrides).stream().filter(v -> v.key().name().equals(c.name()))
                .findFirst().map(TopicConfigs.Value::value).orElse("");
        }
        Set<String> values = new LinkedHashSet<>(split(current));
        List<String> operands = split(c.value() == null ? "" : c.value());
        if (op == AlterConfigOp.OpType.APPEND) values.addAll(operands);
        else operands.forEach(values::remove);
        return String.join(",", values);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
