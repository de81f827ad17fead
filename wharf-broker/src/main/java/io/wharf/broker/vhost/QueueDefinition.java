package io.wharf.broker.vhost;

import java.util.Map;
import java.util.Objects;

/**
 * What a queue was declared with: its name and flags as declared, and its arguments as given (they are
 * compared on redeclaration and persisted exactly); {@link QueueArguments} reads the settings out of them.
 *
 * @param exclusiveOwner the connection that owns an exclusive queue, or 0
 */
public record QueueDefinition(String name, boolean durable, boolean autoDelete, long exclusiveOwner,
                              Map<String, Object> arguments) {
    public QueueDefinition {
        Objects.requireNonNull(name, "name");
        // Not Map.copyOf: an argument may be void (null), e.g. a headers binding matching on presence.
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }

    public boolean exclusive() { return exclusiveOwner != 0; }
}
