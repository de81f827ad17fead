package io.wharf.mqtt.bridge;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.bridge.TopicFeeds;
import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.topic.TopicManager;
import io.wharf.broker.vhost.VirtualHosts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT's bridge to Kafka topics, both ways, as configured: {@link KafkaExport} ({@code mqtt.kafka.export}) and
 * one {@link KafkaImport} per topic of {@code mqtt.kafka.import}. A configured topic that does not exist is created
 * at start with the broker's defaults ({@code num.partitions}, {@code default.replication.factor}), as Kafka
 * creates a topic a producer first writes to.
 */
public final class KafkaBridge {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);
    /** The name the imports' positions are kept under ({@code TopicFeeds}). */
    static final String FEED = "mqtt-import";

    /** What {@code mqtt.kafka.export} and {@code mqtt.kafka.import} say. */
    public record Config(List<ExportRule> exports, List<String> imports) {
        public static final Config NONE = new Config(List.of(), List.of());

        public Config {
            exports = List.copyOf(exports);
            imports = List.copyOf(imports);
            imports.forEach(ExportRule::requireBridgeableTopic);
            for (ExportRule r : exports) {
                if (imports.contains(r.topic())) {
                    // Its records would come back to MQTT: every subscriber would get each message twice.
                    throw new IllegalArgumentException("Kafka topic '" + r.topic() + "' is both in mqtt.kafka.export ("
                        + r + ") and in mqtt.kafka.import: MQTT subscribers would receive what MQTT clients publish "
                        + "under '" + r.filter() + "' twice");
                }
            }
        }

        public boolean isEmpty() { return exports.isEmpty() && imports.isEmpty(); }

        /** Every Kafka topic the bridge uses, each once. */
        Set<String> topics() {
            Set<String> all = new LinkedHashSet<>(imports);
            exports.forEach(r -> all.add(r.topic()));
            return all;
        }
    }

    private final Config config;
    private final KafkaExport export;
    private final List<KafkaImport> imports = new ArrayList<>();

    /** The export side, ready at once (it appends to the topics {@link #start} makes sure of). */
    public KafkaBridge(Config config, TopicAppender appender) {
        this.config = config;
        this.export = config.exports().isEmpty() ? KafkaExport.NONE : new KafkaExport(config.exports(), appender);
    }

    public KafkaExport export() { return export; }

    /**
     * Creates the configured topics that are missing, then follows the imported ones. Needs this broker
     * registered (a new topic's replicas are placed on live brokers).
     */
    public void start(TopicManager topics, TopicFeeds feeds, VirtualHosts vhosts, String vhost, String exchange) {
        for (String topic : config.topics()) {
            if (topics.topic(topic).isPresent()) continue;
            try {
                topics.createTopic(topic, -1, (short) -1, Map.of(), false);
                LOG.info("Created Kafka topic {} for the MQTT bridge", topic);
            } catch (BrokerException e) {
                if (e.error() != BrokerError.TOPIC_ALREADY_EXISTS) throw e;
            }
        }
        for (String topic : config.imports()) {
            KafkaImport sink = new KafkaImport(vhosts, vhost, exchange);
            imports.add(sink);
            feeds.follow(FEED, topic, sink);
            LOG.info("MQTT subscribers receive the records of Kafka topic {} (mqtt.kafka.import)", topic);
        }
        for (ExportRule r : config.exports()) {
            LOG.info("MQTT messages published under {} are appended to Kafka topic {} (mqtt.kafka.export)", r.filter(), r.topic());
        }
    }

    /** Records of imported topics left out so far (see {@link KafkaImport}). */
    public long skipped() {
        return imports.stream().mapToLong(KafkaImport::skipped).sum();
    }
}
