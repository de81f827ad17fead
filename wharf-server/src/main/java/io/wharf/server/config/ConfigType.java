package io.wharf.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the text of a configuration value becomes a typed value. Parsing only checks the form ("is this an
 * integer?"); ranges and allowed values are a {@link ConfigValidator}'s job, so that the two kinds of
 * mistake get different messages.
 *
 * <p>Values arrive trimmed. Lists are comma-separated with optional blanks around the commas, as in
 * Kafka; a blank value is the empty list, but an empty entry inside a list ({@code a,,b}) is an error,
 * because it is almost always a slip of the keyboard.
 */
enum ConfigType {
    BOOLEAN("boolean") {
        @Override
        Object parse(String key, String raw) {
            // Case-insensitive, as Kafka reads booleans.
            String lower = raw.toLowerCase(Locale.ROOT);
            if (lower.equals("true")) return Boolean.TRUE;
            if (lower.equals("false")) return Boolean.FALSE;
            throw ConfigException.invalidValue(key, raw, "expected true or false");
        }
    },
    INT("int") {
        @Override
        Object parse(String key, String raw) {
            return (int) parseInteger(key, raw, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
    },
    LONG("long") {
        @Override
        Object parse(String key, String raw) {
            return parseInteger(key, raw, Long.MIN_VALUE, Long.MAX_VALUE);
        }
    },
    DOUBLE("double") {
        @Override
        Object parse(String key, String raw) {
            // Double.parseDouble also takes "NaN", "Infinity", hex floats and a trailing 'd'; none of
            // them is a sensible setting, so only plain decimal notation is accepted.
            if (!DECIMAL.matcher(raw).matches()) throw ConfigException.invalidValue(key, raw, "expected a number");
            return Double.parseDouble(raw);
        }
    },
    STRING("string") {
        @Override
        Object parse(String key, String raw) {
            return raw;
        }
    },
    LIST("list") {
        @Override
        Object parse(String key, String raw) {
            return splitList(key, raw);
        }
    },
    /** Directories; normalised so that {@code data/x} and {@code ./data/x} are seen as the same one. */
    PATH_LIST("list of paths") {
        @Override
        Object parse(String key, String raw) {
            List<Path> paths = new ArrayList<>();
            for (String item : splitList(key, raw)) {
                try {
                    paths.add(Path.of(item).normalize());
                } catch (InvalidPathException e) {
                    throw ConfigException.invalidValue(key, item, "not a valid path (" + e.getReason() + ")");
                }
            }
            return List.copyOf(paths);
        }
    },
    LISTENER_LIST("list of listeners") {
        @Override
        Object parse(String key, String raw) {
            List<Listener> listeners = new ArrayList<>();
            for (String item : splitList(key, raw)) {
                try {
                    listeners.add(Listener.parse(item));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.invalidValue(key, item, e.getMessage());
                }
            }
            return List.copyOf(listeners);
        }
    };

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern DIGITS = Pattern.compile("[+-]?\\d+");

    private final String label;

    ConfigType(String label) {
        this.label = label;
    }

    /** The name shown in the configuration reference. */
    String label() {
        return label;
    }

    /**
     * Parses a trimmed value.
     *
     * @throws ConfigException naming the key and quoting the value when it does not have this type's form
     */
    abstract Object parse(String key, String raw);

    private static long parseInteger(String key, String raw, long min, long max) {
        if (!DIGITS.matcher(raw).matches()) throw ConfigException.invalidValue(key, raw, "expected an integer");
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException tooLongForALong) {
            // Falls through to the range message: the digits are fine, the magnitude is not.
        }
        throw ConfigException.invalidValue(key, raw, "expected an integer between " + min + " and " + max);
    }

    private static List<String> splitList(String key, String raw) {
        if (raw.isBlank()) return List.of();
        List<String> items = new ArrayList<>();
        for (String item : raw.split(",", -1)) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) throw ConfigException.invalidValue(key, raw, "the list has an empty entry");
            items.add(trimmed);
        }
        return List.copyOf(items);
    }
}
