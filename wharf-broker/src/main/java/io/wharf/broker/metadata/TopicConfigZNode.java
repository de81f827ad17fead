package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Codec of {@code /config/topics/<topic>}, Kafka's per-topic config overrides, version 1:
 * {@code {"version":1,"config":{"retention.ms":"86400000","cleanup.policy":"compact"}}}. Every value is a
 * string, as Kafka writes it; keys are written in sorted order. Only overrides are stored: a key that is
 * absent takes the broker default. Thread-safe (stateless).
 */
final class TopicConfigZNode {

    static final int VERSION = 1;

    private TopicConfigZNode() {
    }

    static byte[] encode(Map<String, String> configs) {
        ObjectNode root = ZkJson.object();
        root.put("version", VERSION);
        ObjectNode config = root.putObject("config");
        new TreeMap<>(configs).forEach(config::put);
        return ZkJson.bytes(root);
    }

    static SortedMap<String, String> decode(String topic, byte[] bytes) {
        String path = KafkaZkPaths.topicConfig(topic);
        SortedMap<String, String> configs = new TreeMap<>();
        if (bytes == null || bytes.length == 0) {
            return configs;
        }
        JsonNode config = ZkJson.parseObject(path, bytes).path("config");
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            configs.put(field.getKey(), field.getValue().asText());
        }
        return configs;
    }
}
