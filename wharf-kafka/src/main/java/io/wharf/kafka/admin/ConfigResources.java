package io.wharf.kafka.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The resources of an AlterConfigs or IncrementalAlterConfigs request, with Kafka's rule that each may
 * appear once: a resource named twice gets INVALID_REQUEST (answered once) and is not changed.
 *
 * @param <R> the request's resource type
 */
final class ConfigResources<R> {
    private record Key(byte type, String name) {
    }

    private final List<R> unique = new ArrayList<>();
    private final Map<Key, Integer> mentions = new HashMap<>();
    private final Function<R, Key> key;

    ConfigResources(Iterable<R> resources, Function<R, Byte> type, Function<R, String> name) {
        this.key = r -> new Key(type.apply(r), name.apply(r));
        for (R r : resources) {
            if (mentions.merge(key.apply(r), 1, Integer::sum) == 1) unique.add(r);
        }
    }

    /** Each resource once, in request order. */
    List<R> unique() { return unique; }

    boolean isDuplicate(R resource) { return mentions.get(key.apply(resource)) > 1; }

    static ApiError duplicateError(String name) {
        return new ApiError(Errors.INVALID_REQUEST, "Resource " + name + " appears more than once in the request");
    }

    /** A TOPIC resource's name; the empty name (cluster-wide topic defaults) does not exist in Kafka. */
    static String topicName(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            throw new InvalidRequestException("Default topic resources are not allowed.");
        }
        return resourceName;
    }
}
