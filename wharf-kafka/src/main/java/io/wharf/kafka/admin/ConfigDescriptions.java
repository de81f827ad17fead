package io.wharf.kafka.admin;

import io.wharf.broker.topic.TopicConfigs;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * How a config value is described on the wire, shared by DescribeConfigs and CreateTopics (v5+): its
 * source, type and synonyms. A topic's synonyms are, in precedence order, its override, the broker key when
 * {@code server.properties} changed it, and Kafka's default under the broker key — Kafka's own list (only
 * the override for the few keys that have no broker key).
 */
final class ConfigDescriptions {
    private ConfigDescriptions() {
    }

    static ConfigSource source(TopicConfigs.Source source) {
        return switch (source) {
            case TOPIC -> ConfigSource.TOPIC_CONFIG;
            case BROKER -> ConfigSource.STATIC_BROKER_CONFIG;
            case DEFAULT -> ConfigSource.DEFAULT_CONFIG;
        };
    }

    static ConfigType type(TopicConfigs.ValueType type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
        };
    }

    /** A topic config for DescribeConfigs: never read-only, never sensitive. */
    static DescribeConfigsResourceResult topicEntry(TopicConfigs.Value v, boolean includeSynonyms) {
        return new DescribeConfigsResourceResult()
            .setName(v.key().name())
            .setValue(v.value())
            .setReadOnly(false)
            .setIsSensitive(false)
            .setConfigSource(source(v.source()).id())
            .setConfigType(type(v.key().type()).id())
            .setSynonyms(includeSynonyms ? synonyms(v) : List.of());
    }

    static List<DescribeConfigsSynonym> synonyms(TopicConfigs.Value v) {
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>(3);
        if (v.source() == TopicConfigs.Source.TOPIC) {
            synonyms.add(synonym(v.key().name(), v.value(), ConfigSource.TOPIC_CONFIG));
        }
        // A key without a broker synonym has only its override: Kafka lists no default synonym for it.
        if (!v.key().hasBrokerKey()) return synonyms;
        if (!v.brokerValue().equals(v.defaultValue())) {
            synonyms.add(synonym(v.key().brokerKey(), v.brokerValue(), ConfigSource.STATIC_BROKER_CONFIG));
        }
        synonyms.add(synonym(v.key().brokerKey(), v.defaultValue(), ConfigSource.DEFAULT_CONFIG));
        return synonyms;
    }

    /**
     * A GROUP resource's key: GROUP_CONFIG when the group overrides it, else DEFAULT_CONFIG with the broker's
     * value; its synonyms are the override and the broker key ({@code group.share.record.lock.duration.ms} for
     * {@code share.record.lock.duration.ms}).
     */
    static DescribeConfigsResourceResult groupEntry(GroupConfigs.Value v, boolean includeSynonyms) {
        ConfigSource source = v.isOverride() ? ConfigSource.GROUP_CONFIG : ConfigSource.DEFAULT_CONFIG;
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>(2);
        if (includeSynonyms) {
            if (v.isOverride()) synonyms.add(synonym(v.key().name(), v.value(), ConfigSource.GROUP_CONFIG));
            synonyms.add(synonym(v.key().brokerKey(), v.brokerValue(), ConfigSource.DEFAULT_CONFIG));
        }
        return new DescribeConfigsResourceResult().setName(v.key().name()).setValue(v.value()).setReadOnly(false)
            .setIsSensitive(false).setConfigSource(source.id())
            .setConfigType((v.key().type() == GroupConfigs.Type.INT ? ConfigType.INT : ConfigType.STRING).id())
            .setSynonyms(synonyms);
    }

    static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    /** A topic config for CreateTopics v5+. */
    static CreatableTopicConfigs createdTopicEntry(TopicConfigs.Value v) {
        return new CreatableTopicConfigs()
            .setName(v.key().name())
            .setValue(v.value())
            .setReadOnly(false)
            .setIsSensitive(false)
            .setConfigSource(source(v.source()).id());
    }
}
