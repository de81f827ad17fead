package io.wharf.server.config;

import java.util.Optional;

/**
 * A broker configuration that cannot be used. The message is written for the operator and stands on its
 * own: it names the configuration key (or the file) at fault, quotes the value, and says what was expected.
 * Validation stops at the first problem, so a bad configuration fails start-up with exactly one such line.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The standard message for a value that is malformed, out of range or in conflict with another. */
    static ConfigException invalidValue(String key, String value, String problem) {
        return new ConfigException(key,
                "Invalid value '" + value + "' for configuration key '" + key + "': " + problem);
    }

    /** The key at fault; empty when the problem is not one key's, such as an unreadable file. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
