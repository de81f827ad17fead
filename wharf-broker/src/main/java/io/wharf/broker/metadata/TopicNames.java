package io.wharf.broker.metadata;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import java.util.regex.Pattern;

/** Kafka's rules for topic names: 1 to 249 of {@code [a-zA-Z0-9._-]}, and not "." or "..". */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {
    }

    /** Throws INVALID_TOPIC with the reason unless {@code name} is a legal topic name. */
    public static void validate(String name) {
        problem(name).ifPresent(reason -> {
            throw invalid(reason);
        });
    }

    /** Why {@code name} is not a legal topic name, or empty if it is. The one place this rule lives. */
    public static java.util.Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) return java.util.Optional.of("Topic name must not be empty");
        if (name.equals(".") || name.equals("..")) return java.util.Optional.of("Topic name cannot be \".\" or \"..\"");
        if (name.length() > MAX_LENGTH) {
            return java.util.Optional.of("Topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!LEGAL.matcher(name).matches()) {
            return java.util.Optional.of("Topic name '" + name
                + "' is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'");
        }
        return java.util.Optional.empty();
    }

    /** Internal topics ({@code __consumer_offsets}, ...) are created by the broker itself. */
    public static boolean isInternal(String name) {
        return name.startsWith("__");
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(BrokerError.INVALID_TOPIC, message);
    }
}
