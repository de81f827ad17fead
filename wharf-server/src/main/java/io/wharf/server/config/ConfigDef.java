package io.wharf.server.config;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ordered table of configuration keys. It turns the operator's strings into typed, validated values
 * and renders itself as the Markdown reference, so the documentation cannot drift from the code.
 *
 * <p>The table knows nothing of unknown keys or of rules that span several keys; those belong to the
 * configuration that uses it. Built once during class initialisation, then read-only, so it is safe to
 * share between threads.
 */
final class ConfigDef {
    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    ConfigDef define(String name, ConfigType type, String defaultValue, ConfigValidator validator, String doc) {
        ConfigKey key = new ConfigKey(name, type, defaultValue, validator, doc);
        if (keys.putIfAbsent(name, key) != null) {
            throw new IllegalStateException("Configuration key '" + name + "' is defined twice");
        }
        // A default that does not pass its own rule is a bug in the table; find it when the class loads,
        // not when an operator first relies on the default.
        key.parsedDefault();
        return this;
    }

    ConfigDef define(String name, ConfigType type, String defaultValue, String doc) {
        return define(name, type, defaultValue, ConfigValidator.ANY, doc);
    }

    Set<String> names() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    Collection<ConfigKey> keys() {
        return Collections.unmodifiableCollection(keys.values());
    }

    /**
     * Parses every defined key: the supplied value when there is one, else the default. Keys without a
     * default that are not supplied map to null. Supplied keys that are not defined are not looked at.
     *
     * @throws ConfigException for the first key, in table order, whose value is malformed or out of range
     */
    Map<String, Object> parse(Map<String, String> supplied) {
        Map<String, Object> values = new HashMap<>();
        for (ConfigKey key : keys.values()) {
            String raw = supplied.get(key.name());
            values.put(key.name(), raw != null ? key.parse(raw) : key.parsedDefault());
        }
        return Collections.unmodifiableMap(values);
    }

    /** A GitHub-flavoured Markdown table: key, type, default, description (with the valid values). */
    String markdownTable() {
        StringBuilder out = new StringBuilder("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (ConfigKey key : keys.values()) {
            String valid = key.validator().description();
            String description = valid.isEmpty() ? key.doc() : key.doc() + " Valid values: " + valid + ".";
            out.append("| `").append(key.name()).append("` | ")
                    .append(key.type().label()).append(" | ")
                    .append(key.defaultValue() == null ? "" : "`" + escape(key.defaultValue()) + "`").append(" | ")
                    .append(escape(description)).append(" |\n");
        }
        return out.toString();
    }

    private static String escape(String cell) {
        // A '|' would end the cell, a line break the row.
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
