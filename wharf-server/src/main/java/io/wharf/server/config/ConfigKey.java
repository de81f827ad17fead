package io.wharf.server.config;

import java.util.Objects;

/**
 * One row of the configuration table: a key's name, type, default, rule and documentation.
 *
 * @param defaultValue the default as an operator would write it in a properties file, or null when the
 *                     key has none (it is then absent unless set; its doc says what that means)
 */
record ConfigKey(String name, ConfigType type, String defaultValue, ConfigValidator validator, String doc) {
    ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
    }

    /**
     * Parses and validates a value of this key.
     *
     * @throws ConfigException naming this key when the value is malformed or breaks the key's rule
     */
    Object parse(String raw) {
        String trimmed = raw.trim();
        Object value = type.parse(name, trimmed);
        validator.ensureValid(name, trimmed, value);
        return value;
    }

    /** The parsed default, or null when the key has none. */
    Object parsedDefault() {
        return defaultValue == null ? null : parse(defaultValue);
    }
}
