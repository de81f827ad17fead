package io.wharf.kafka.admin;

import io.wharf.broker.BrokerSettings;
import io.wharf.broker.topic.TopicConfigs;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * A broker's configuration as a BROKER config resource: the keys Kafka's tools and clients ask about (the
 * topic defaults, partition and replication defaults, the internal topics' settings, {@code log.dirs}), each
 * with its value, STATIC_BROKER_CONFIG when {@code server.properties} changed it from Kafka's default and
 * DEFAULT_CONFIG otherwise.
 *
 * <p>Wharf reads its configuration once, at start-up, so every key is read-only: a change through
 * AlterConfigs is refused with INVALID_CONFIG, as Kafka refuses keys that cannot change dynamically.
 */
final class BrokerConfigs {
    /** One broker key: its value here and Kafka's default ({@code null} when Kafka has none). */
    private record Entry(String name, String value, String kafkaDefault, ConfigType type) {
    }

    private final int brokerId;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    BrokerConfigs(KafkaContext context) {
        BrokerSettings b = context.broker().settings();
        KafkaSettings k = context.settings();
        brokerId = b.brokerId();
        add("broker.id", b.brokerId(), "-1", ConfigType.INT);
        add("num.partitions", b.numPartitions(), "1", ConfigType.INT);
        add("default.replication.factor", b.defaultReplicationFactor(), "1", ConfigType.INT);
        add("auto.create.topics.enable", b.autoCreateTopics(), "true", ConfigType.BOOLEAN);
        add("delete.topic.enable", b.deleteTopicEnable(), "true", ConfigType.BOOLEAN);
        add("log.dirs", context.broker().logs().dirs().stream().map(Path::toString).collect(Collectors.joining(",")),
            null, ConfigType.LIST);
        add("offsets.topic.num.partitions", k.offsetsTopicNumPartitions(), "50", ConfigType.INT);
        add("offsets.topic.replication.factor", k.offsetsTopicReplicationFactor(), "3", ConfigType.SHORT);
        add("transaction.state.log.num.partitions", k.transactions().stateLogNumPartitions(), "50", ConfigType.INT);
        add("transaction.state.log.replication.factor", k.transactions().stateLogReplicationFactor(), "3", ConfigType.SHORT);
        add("group.initial.rebalance.delay.ms", k.groupInitialRebalanceDelayMs(), "3000", ConfigType.INT);
        // The broker keys behind every topic-level key (log.retention.ms, log.segment.bytes, ...).
        for (TopicConfigs.Value v : TopicConfigs.describe(b.defaultLogConfig(), b.minInsyncReplicas(), Map.of())) {
            if (!v.key().hasBrokerKey()) continue;
            add(v.key().brokerKey(), v.brokerValue(), v.defaultValue(), ConfigDescriptions.type(v.key().type()));
        }
    }

    private void add(String name, Object value, String kafkaDefault, ConfigType type) {
        entries.putIfAbsent(name, new Entry(name, String.valueOf(value), kafkaDefault, type));
    }

    /**
     * The configs of the BROKER resource {@code resourceName}: this broker's id gives every key; the empty
     * name (the cluster-wide dynamic defaults) gives none, since Wharf has no dynamic configs.
     */
    List<DescribeConfigsResourceResult> describe(String resourceName, boolean includeSynonyms) {
        if (requireThisBroker(resourceName)) return List.of();
        List<DescribeConfigsResourceResult> results = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            boolean isDefault = Objects.equals(e.value(), e.kafkaDefault());
            ConfigSource source = isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>(2);
            if (includeSynonyms) {
                synonyms.add(ConfigDescriptions.synonym(e.name(), e.value(), source));
                if (!isDefault && e.kafkaDefault() != null) {
                    synonyms.add(ConfigDescriptions.synonym(e.name(), e.kafkaDefault(), ConfigSource.DEFAULT_CONFIG));
                }
            }
            results.add(new DescribeConfigsResourceResult().setName(e.name()).setValue(e.value()).setReadOnly(true)
                .setIsSensitive(false).setConfigSource(source.id()).setConfigType(e.type().id()).setSynonyms(synonyms));
        }
        return results;
    }

    /** Refuses a change to this broker's configuration: nothing can change while it runs. */
    void refuseChanges(String resourceName, List<String> keys) {
        requireThisBroker(resourceName);
        if (keys.isEmpty()) return;
        throw new InvalidConfigurationException("Cannot update these configs dynamically: " + keys
            + " (Wharf reads its configuration at start-up: change server.properties and restart broker " + brokerId + ")");
    }

    /** True for the cluster-wide default resource (""), false for this broker; anything else is refused. */
    private boolean requireThisBroker(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) return true;
        int id;
        try {
            id = Integer.parseInt(resourceName);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + resourceName);
        }
        if (id != brokerId) {
            throw new InvalidRequestException("Unexpected broker id, expected " + brokerId + " or empty string, but received "
                + resourceName);
        }
        return false;
    }
}
