package io.wharf.mqtt.bridge;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.broker.bridge.KafkaRecord;
import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.routing.TopicTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * MQTT to Kafka ({@code mqtt.kafka.export}): a message an MQTT client publishes (a will and a retained message
 * too) to a topic that one of the rules' filters matches is appended to that rule's Kafka topic, once per topic
 * however many of its filters match, as the record {@link BridgeRecords} describes. The append is one more
 * destination of the publish, batched with the read's queue appends, and done before the PUBLISH is acknowledged, so a PUBACK or PUBREC means the record is in the Kafka
 * topic's log (Kafka's acks=1 on this single broker) and in every MQTT and AMQP queue the message went to: nothing
 * is dropped while the Kafka side is slow or has no consumer, since a topic's log does not depend on its readers.
 * A topic that refuses the record (deleted, or the record is over its {@code max.message.bytes}) makes the publish
 * fail as a queue refusing it would.
 *
 * <p>Thread-safe (the rules never change after construction).
 */
public final class KafkaExport {
    public static final KafkaExport NONE = new KafkaExport(List.of(), null);
    /** What {@link #append} returns when no rule matches: the caller then has nothing to wait for. */
    public static final CompletableFuture<Integer> NOTHING = CompletableFuture.completedFuture(0);

    private final List<ExportRule> rules;
    private final TopicTrie<String> topicsByFilter = new TopicTrie<>(TopicSyntax.MQTT);
    private final TopicAppender appender;

    public KafkaExport(List<ExportRule> rules, TopicAppender appender) {
        this.rules = List.copyOf(rules);
        this.appender = appender;
        for (ExportRule r : rules) topicsByFilter.add(r.filter(), r.topic());
    }

    public List<ExportRule> rules() { return rules; }

    /** The Kafka topics a publish to {@code topic} goes to, each once; empty when no rule matches. */
    public List<String> topicsFor(String topic) {
        if (rules.isEmpty()) return List.of();
        List<String> targets = new ArrayList<>(1);
        topicsByFilter.match(topic, targets::add);
        return targets;
    }

    /** The record of a publish to {@code topic} ({@link BridgeRecords}), stamped now. */
    public KafkaRecord record(String topic, byte[] payload, MqttProperties properties) {
        return BridgeRecords.toRecord(topic, payload, properties, System.currentTimeMillis());
    }

    /**
     * Appends the message to every Kafka topic whose rules match {@code topic}, at once (a publisher that batches
     * adds {@link #record} for {@link #topicsFor} to its batch instead); completes with how many took it
     * ({@link #NOTHING} itself when none matched), or fails naming the first topic that refused it.
     */
    public CompletableFuture<Integer> append(String topic, byte[] payload, MqttProperties properties) {
        List<String> targets = topicsFor(topic);
        if (targets.isEmpty()) return NOTHING;
        KafkaRecord record = record(topic, payload, properties);
        for (String kafkaTopic : targets) {
            if (!appender.append(kafkaTopic, record)) {
                return CompletableFuture.failedFuture(new IllegalStateException("Kafka topic '" + kafkaTopic
                    + "' (mqtt.kafka.export) refused the message published to '" + topic + "'"));
            }
        }
        return CompletableFuture.completedFuture(targets.size());
    }
}
