package io.wharf.broker.exchange;

import java.util.Map;
import java.util.Objects;

/**
 * A binding from exchange {@code source} to {@code destination} with a routing (binding) key and arguments
 * (the headers exchange matches on them). Two bindings are the same binding when all four are equal, as in
 * RabbitMQ: binding twice is a no-op, unbinding needs the same key and arguments.
 */
public record Binding(String source, Destination destination, String routingKey, Map<String, Object> arguments) {
    public Binding {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(routingKey, "routingKey");
        // Not Map.copyOf: an argument may be void (null), e.g. a headers binding matching on presence.
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }
}
