package io.wharf.broker.routing;

import java.util.Arrays;
import java.util.Map;

/**
 * The AMQP headers exchange rule, as RabbitMQ 3.13+ applies it ({@code rabbit_exchange_type_headers.erl}): whether a
 * message's headers match a binding's arguments.
 *
 * <p>The {@code x-match} argument picks the rule: {@code all} (the default, also used for an unrecognised value, as
 * RabbitMQ does for bindings made before it validated) needs every considered argument to match; {@code any} needs
 * one. The {@code x-match} argument itself is never considered; other arguments whose key starts with {@code x-} are
 * ignored, except under {@code all-with-x} and {@code any-with-x}, which consider them (against headers that may
 * start with {@code x-} too). An argument matches when the message has a header of that key and
 * {@link HeaderValues#same equal} value; an argument with a void (null) value matches when the header is present,
 * whatever its value. So {@code all} with nothing to consider matches every message, and {@code any} with nothing
 * matches none.
 *
 * <p>Thread-safety: stateless.
 */
public final class HeadersMatch {
    /** The binding argument that selects the rule. */
    public static final String X_MATCH = "x-match";

    private enum Rule {
        ALL(false, false), ANY(true, false), ALL_WITH_X(false, true), ANY_WITH_X(true, true);

        final boolean any;
        final boolean withX;

        Rule(boolean any, boolean withX) {
            this.any = any;
            this.withX = withX;
        }

        static Rule of(Object xMatch) {
            if (!(xMatch instanceof String)) {
                return ALL;
            }
            return switch ((String) xMatch) {
                case "any" -> ANY;
                case "all-with-x" -> ALL_WITH_X;
                case "any-with-x" -> ANY_WITH_X;
                default -> ALL;
            };
        }
    }

    private HeadersMatch() {
    }

    /**
     * Whether a message with {@code headers} matches a binding with {@code bindingArguments}; either may be null,
     * meaning none.
     */
    public static boolean matches(Map<String, Object> bindingArguments, Map<String, Object> headers) {
        if (bindingArguments == null || bindingArguments.isEmpty()) {
            return true; // x-match all, nothing to consider
        }
        Map<String, Object> present = headers == null ? Map.of() : headers;
        Rule rule = Rule.of(bindingArguments.get(X_MATCH));
        for (Map.Entry<String, Object> argument : bindingArguments.entrySet()) {
            String key = argument.getKey();
            if (key.equals(X_MATCH) || (!rule.withX && key.startsWith("x-"))) {
                continue;
            }
            Object expected = argument.getValue();
            boolean hit = present.containsKey(key) && (expected == null || HeaderValues.same(expected, present.get(key)));
            if (hit == rule.any) {
                return hit; // the first hit decides "any", the first miss decides "all"
            }
        }
        return !rule.any;
    }

    /**
     * Refuses binding arguments whose {@code x-match} is not one of {@code all}, {@code any}, {@code all-with-x},
     * {@code any-with-x}, with RabbitMQ's message; an absent {@code x-match} is fine.
     *
     * @throws IllegalArgumentException for a bad {@code x-match}
     */
    public static void validate(Map<String, Object> bindingArguments) {
        if (bindingArguments == null || !bindingArguments.containsKey(X_MATCH)) {
            return;
        }
        Object xMatch = bindingArguments.get(X_MATCH);
        if (xMatch instanceof String) {
            switch ((String) xMatch) {
                case "all", "any", "all-with-x", "any-with-x" -> {
                    return;
                }
                default -> throw new IllegalArgumentException("Invalid x-match field value \"" + xMatch
                    + "\"; expected all, any, all-with-x, or any-with-x");
            }
        }
        String type = xMatch == null ? "void" : xMatch.getClass().getSimpleName();
        throw new IllegalArgumentException("Invalid x-match field type " + type + " (value " + describe(xMatch)
            + "); expected longstr");
    }

    private static String describe(Object value) {
        return value instanceof byte[] ? Arrays.toString((byte[]) value) : String.valueOf(value);
    }
}
