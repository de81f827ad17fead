package io.wharf.mqtt.bridge;

import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.routing.TopicSyntax;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code mqtt.kafka.export}: messages MQTT clients publish under {@code filter} are also appended to
 * the Kafka topic {@code topic}. Written {@code FILTER>TOPIC} ({@code sensors/#>sensor-readings}); a Kafka topic
 * name has no {@code >}, so the entry is cut at its last one and the filter may hold any character but the list's
 * comma.
 */
public record ExportRule(String filter, String topic) {
    public ExportRule {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(topic, "topic");
    }

    /**
     * Parses {@code FILTER>TOPIC}.
     *
     * @throws IllegalArgumentException naming what is wrong: no {@code >}, an invalid MQTT filter, an invalid or
     *                                  internal Kafka topic name
     */
    public static ExportRule parse(String entry) {
        int cut = entry.lastIndexOf('>');
        if (cut < 0) {
            throw new IllegalArgumentException("expected FILTER>TOPIC (e.g. sensors/#>sensor-readings), got '" + entry + "'");
        }
        String filter = entry.substring(0, cut).trim();
        String topic = entry.substring(cut + 1).trim();
        TopicSyntax.MQTT.validateFilter(filter);
        requireBridgeableTopic(topic);
        return new ExportRule(filter, topic);
    }

    /** A Kafka topic the bridge may read or write: a valid name, and not one of Kafka's internal topics. */
    public static void requireBridgeableTopic(String topic) {
        Optional<String> problem = TopicNames.problem(topic);
        if (problem.isPresent()) throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name: " + problem.get());
        if (TopicNames.isInternal(topic)) {
            throw new IllegalArgumentException("'" + topic + "' is an internal Kafka topic, which only its coordinator writes");
        }
    }

    @Override
    public String toString() { return filter + '>' + topic; }
}
