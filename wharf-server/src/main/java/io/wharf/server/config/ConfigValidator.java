package io.wharf.server.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule a parsed configuration value must satisfy, together with the words that describe it in the
 * configuration reference ("at least 1"). Keeping the rule and its description in one object is what
 * keeps the generated README honest.
 *
 * <p>A validator never sees an absent value: keys without a default that are not set are simply absent.
 */
final class ConfigValidator {
    /** What is wrong with a value, phrased to follow "Invalid value 'v' for configuration key 'k': ", or null. */
    @FunctionalInterface
    interface Check {
        String problem(Object value);
    }

    static final ConfigValidator ANY = new ConfigValidator("", value -> null);

    private static final Pattern ZK_PORT = Pattern.compile("\\d{1,5}");

    private final String description;
    private final Check check;

    private ConfigValidator(String description, Check check) {
        this.description = description;
        this.check = check;
    }

    static ConfigValidator of(String description, Check check) {
        return new ConfigValidator(description, check);
    }

    static ConfigValidator atLeast(long min) {
        return new ConfigValidator("at least " + min,
                value -> ((Number) value).longValue() < min ? "must be at least " + min : null);
    }

    static ConfigValidator between(long min, long max) {
        return new ConfigValidator(min + " to " + max, value -> {
            long v = ((Number) value).longValue();
            return v < min || v > max ? "must be between " + min + " and " + max : null;
        });
    }

    static ConfigValidator between(double min, double max) {
        return new ConfigValidator(min + " to " + max, value -> {
            double v = ((Number) value).doubleValue();
            return v < min || v > max ? "must be between " + min + " and " + max : null;
        });
    }

    /** A list with at least one entry; {@code what} names an entry in the message ("directory"). */
    static ConfigValidator nonEmpty(String what) {
        return new ConfigValidator("at least one " + what,
                value -> ((List<?>) value).isEmpty() ? "must list at least one " + what : null);
    }

    /** A list that names nothing twice. */
    static ConfigValidator distinct() {
        return new ConfigValidator("no duplicates", value -> {
            Set<Object> seen = new HashSet<>();
            for (Object item : (List<?>) value) {
                if (!seen.add(item)) return "'" + item + "' is listed twice";
            }
            return null;
        });
    }

    /** A list whose every entry is one of {@code allowed}. */
    static ConfigValidator eachOneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return new ConfigValidator("each one of " + String.join(", ", options), value -> {
            for (Object item : (List<?>) value) {
                if (!options.contains(item)) return "'" + item + "' is not one of " + String.join(", ", options);
            }
            return null;
        });
    }

    /**
     * A list each of whose entries {@code parse} accepts; its IllegalArgumentException's message says what is wrong
     * with the first entry it refuses. {@code form} describes an entry in the reference ("FILTER>TOPIC").
     */
    static ConfigValidator each(String form, java.util.function.Consumer<String> parse) {
        return new ConfigValidator("each " + form, value -> {
            for (Object item : (List<?>) value) {
                try {
                    parse.accept((String) item);
                } catch (IllegalArgumentException e) {
                    return "entry '" + item + "': " + e.getMessage();
                }
            }
            return null;
        });
    }

    /** A string that is one of {@code allowed}, exactly (Kafka's ValidString). */
    static ConfigValidator oneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return new ConfigValidator("one of " + String.join(", ", options),
                value -> options.contains(value) ? null : "must be one of " + String.join(", ", options));
    }

    /**
     * A ZooKeeper connection string, {@code host[:port][,host[:port]...][/chroot]}. Only the form is
     * checked, so that a typo fails at start-up with the key named instead of deep inside the client.
     * Blank passes: it means "not set" (embedded ZooKeeper).
     */
    static ConfigValidator zooKeeperConnectString() {
        return new ConfigValidator("`host:port[,host:port...][/chroot]`", value -> {
            String text = (String) value;
            if (text.isBlank()) return null;
            int slash = text.indexOf('/');
            String servers = slash < 0 ? text : text.substring(0, slash);
            for (String server : servers.split(",", -1)) {
                String problem = zooKeeperServerProblem(server.trim());
                if (problem != null) return problem;
            }
            String chroot = slash < 0 ? "" : text.substring(slash);
            if (chroot.length() > 1 && (chroot.endsWith("/") || chroot.contains("//"))) {
                return "the chroot path '" + chroot + "' must not end with '/' or contain '//'";
            }
            return null;
        });
    }

    private static String zooKeeperServerProblem(String server) {
        if (server.isEmpty()) return "expected host:port[,host:port...][/chroot], e.g. localhost:2181";
        // Without a port ZooKeeper's client uses 2181; "[::1]" is an IPv6 address without one.
        if (server.endsWith("]") || server.indexOf(':') < 0) return null;
        String port = server.substring(server.lastIndexOf(':') + 1);
        if (ZK_PORT.matcher(port).matches()) {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) return null;
        }
        return "'" + server + "' does not end in a port from 1 to 65535";
    }

    /** Both this rule and {@code next}; the first that fails is reported. */
    ConfigValidator and(ConfigValidator next) {
        String joined = description.isEmpty() ? next.description
                : next.description.isEmpty() ? description : description + "; " + next.description;
        return new ConfigValidator(joined, value -> {
            String problem = check.problem(value);
            return problem != null ? problem : next.check.problem(value);
        });
    }

    /** Words for the configuration reference; empty when any value of the type is fine. */
    String description() {
        return description;
    }

    /**
     * @param raw the value as the operator wrote it, quoted in the message
     * @throws ConfigException naming the key when the value breaks the rule
     */
    void ensureValid(String key, String raw, Object value) {
        String problem = check.problem(value);
        if (problem != null) throw ConfigException.invalidValue(key, raw, problem);
    }
}
