package io.wharf.broker.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON plumbing shared by the znode codecs: one {@link ObjectMapper} (thread-safe once configured),
 * compact UTF-8 output as Kafka writes it, and parse errors that name the znode and quote its data.
 * Thread-safe.
 */
final class ZkJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ZkJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + node, e);
        }
    }

    /** Parses the data of {@code path} as a JSON object. */
    static JsonNode parseObject(String path, byte[] data) {
        JsonNode node;
        try {
            node = data == null || data.length == 0 ? null : MAPPER.readTree(data);
        } catch (IOException e) {
            throw new MetadataException("Znode " + path + " does not hold valid JSON: '" + text(data) + "'", e);
        }
        if (node == null || !node.isObject()) {
            throw new MetadataException("Znode " + path + " does not hold a JSON object: '" + text(data) + "'");
        }
        return node;
    }

    /** The field {@code name} of {@code node}, which must be present and an integer. */
    static int requiredInt(String path, JsonNode node, String name) {
        JsonNode field = node.get(name);
        if (field == null || !field.canConvertToInt() || !field.isIntegralNumber()) {
            throw new MetadataException("Znode " + path + " has no integer field '" + name + "': " + node);
        }
        return field.intValue();
    }

    /** The field {@code name} of {@code node}, which must be present and an object. */
    static JsonNode requiredObject(String path, JsonNode node, String name) {
        JsonNode field = node.get(name);
        if (field == null || !field.isObject()) {
            throw new MetadataException("Znode " + path + " has no object field '" + name + "': " + node);
        }
        return field;
    }

    static String text(byte[] data) {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }
}
