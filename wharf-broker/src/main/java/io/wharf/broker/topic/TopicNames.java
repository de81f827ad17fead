package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import java.util.regex.Pattern;

/** Kafka's rules for topic names: 1 to 249 of {@code [a-zA-Z0-9._-]}, and not "." or "..". */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {
    }

    public static void validate(String name) {
        if (name == null || name.isEmpty()) throw invalid("Topic name must not be empty");
        if (name.equals(".") || name.equals("..")) throw invalid("Topic name cannot be \".\" or \"..\"");
        if (name.length() > MAX_LENGTH) {
            throw invalid("Topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!LEGAL.matcher(name).matches()) {
            throw invalid("Topic name '" + name + "' is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'");
        }
    }

    /** Internal topics ({@code __consumer_offsets}, ...) are created by the broker itself. */
    public static boolean isInternal(String name) {
        return name.startsWith("__");
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(BrokerError.INVALID_TOPIC, message);
    }
}
