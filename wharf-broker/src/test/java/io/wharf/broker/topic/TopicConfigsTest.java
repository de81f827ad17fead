package io.wharf.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.log.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which topic keys exist, how bad values are refused, and where each effective value comes from. */
class TopicConfigsTest {
    private static Map<String, TopicConfigs.Value> byName(List<TopicConfigs.Value> values) {
        return values.stream().collect(Collectors.toMap(v -> v.key().name(), Function.identity()));
    }

    @Test
    void everyLogKeyIsATopicKeyWithABrokerSynonym() {
        assertThat(TopicConfigs.KEYS.keySet()).containsAll(LogConfig.KEYS);
        assertThat(LogConfig.KEYS).allSatisfy(k -> assertThat(TopicConfigs.KEYS.get(k).brokerKey()).isNotBlank());
    }

    /** Kafka 4.1's TopicConfig keys, every one: a Kafka user's --config never meets "unknown config". */
    @Test
    void everyKafkaTopicKeyIsKnown() {
        assertThat(TopicConfigs.KEYS.keySet()).containsExactlyInAnyOrder("cleanup.policy", "compression.gzip.level",
            "compression.lz4.level", "compression.type", "compression.zstd.level", "delete.retention.ms",
            "file.delete.delay.ms", "flush.messages", "flush.ms", "follower.replication.throttled.replicas",
            "index.interval.bytes", "leader.replication.throttled.replicas", "local.retention.bytes",
            "local.retention.ms", "max.compaction.lag.ms", "max.message.bytes", "message.timestamp.after.max.ms",
            "message.timestamp.before.max.ms", "message.timestamp.type", "min.cleanable.dirty.ratio",
            "min.compaction.lag.ms", "min.insync.replicas", "preallocate", "remote.log.copy.disable",
            "remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes", "retention.ms",
            "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms",
            "unclean.leader.election.enable");
        assertThat(TopicConfigs.KEYS.get("follower.replication.throttled.replicas").hasBrokerKey()).isFalse();
        assertThat(TopicConfigs.KEYS.get("local.retention.ms").brokerKey()).isEqualTo("log.local.retention.ms");
        assertThat(TopicConfigs.KEYS.get("max.compaction.lag.ms").brokerKey()).isEqualTo("log.cleaner.max.compaction.lag.ms");
        assertThat(TopicConfigs.KEYS.get("segment.jitter.ms").brokerKey()).isEqualTo("log.roll.jitter.ms");
    }

    @Test
    void theNewKeysAcceptKafkasValues() {
        Map<String, String> good = Map.ofEntries(Map.entry("max.compaction.lag.ms", "86400000"),
            Map.entry("segment.jitter.ms", "1000"), Map.entry("follower.replication.throttled.replicas", "0:1,1:2"),
            Map.entry("leader.replication.throttled.replicas", "*"), Map.entry("local.retention.ms", "-2"),
            Map.entry("local.retention.bytes", "1048576"), Map.entry("remote.storage.enable", "false"),
            Map.entry("remote.log.copy.disable", "true"), Map.entry("remote.log.delete.on.disable", "true"),
            Map.entry("compression.gzip.level", "9"), Map.entry("compression.lz4.level", "1"),
            Map.entry("compression.zstd.level", "-3"), Map.entry("message.timestamp.before.max.ms", "0"));
        LogConfig config = TopicConfigs.validate(LogConfig.defaults(), good);
        assertThat(config.maxCompactionLagMs()).isEqualTo(86_400_000L);
        assertThat(config.segmentJitterMs()).isEqualTo(1000);
        assertThat(config.zstdLevel()).isEqualTo(-3);
        assertThat(TopicConfigs.validate(LogConfig.defaults(), Map.of("follower.replication.throttled.replicas", "")))
            .isNotNull();
    }

    @Test
    void remoteStorageIsRefusedBecauseWharfHasNoTieredStorage() {
        assertThatThrownBy(() -> TopicConfigs.validate(LogConfig.defaults(), Map.of("remote.storage.enable", "true")))
            .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_CONFIG))
            .hasMessageContaining("Tiered Storage");
    }

    @Test
    void badKeysAndValuesAreInvalidConfig() {
        for (Map<String, String> bad : List.of(Map.of("no.such.key", "1"), Map.of("retention.ms", "soon"),
                Map.of("min.insync.replicas", "0"), Map.of("compression.type", "brotli"), Map.of("preallocate", "maybe"),
                Map.of("cleanup.policy", "shred"), Map.of("segment.bytes", "1"), Map.of("max.compaction.lag.ms", "0"),
                Map.of("min.compaction.lag.ms", "100", "max.compaction.lag.ms", "99"), Map.of("segment.jitter.ms", "-1"),
                Map.of("follower.replication.throttled.replicas", "broker-1"),
                Map.of("leader.replication.throttled.replicas", "*,0:1"), Map.of("local.retention.ms", "-3"),
                Map.of("local.retention.bytes", "lots"), Map.of("remote.log.copy.disable", "yes"),
                Map.of("compression.gzip.level", "10"), Map.of("compression.lz4.level", "0"),
                Map.of("compression.zstd.level", "23"), Map.of("message.timestamp.after.max.ms", "-1"))) {
            assertThatThrownBy(() -> TopicConfigs.validate(LogConfig.defaults(), bad)).as(bad.toString())
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_CONFIG));
        }
        assertThat(TopicConfigs.validate(LogConfig.defaults(), Map.of("retention.ms", "1000", "compression.type", "zstd"))
            .retentionMs()).isEqualTo(1000);
    }

    @Test
    void eachValueSaysWhetherTheTopicTheBrokerOrKafkaSetIt() {
        LogConfig broker = LogConfig.builder().segmentBytes(1 << 20).build();
        Map<String, TopicConfigs.Value> values = byName(TopicConfigs.describe(broker, 2, Map.of("retention.ms", "5000")));
        assertThat(values.keySet()).isEqualTo(TopicConfigs.KEYS.keySet());

        assertThat(values.get("retention.ms")).satisfies(v -> {
            assertThat(v.value()).isEqualTo("5000");
            assertThat(v.source()).isEqualTo(TopicConfigs.Source.TOPIC);
            assertThat(v.defaultValue()).isEqualTo("604800000");
        });
        assertThat(values.get("segment.bytes")).satisfies(v -> {
            assertThat(v.value()).isEqualTo("1048576");
            assertThat(v.source()).isEqualTo(TopicConfigs.Source.BROKER);
            assertThat(v.defaultValue()).isEqualTo("1073741824");
        });
        assertThat(values.get("min.insync.replicas").source()).isEqualTo(TopicConfigs.Source.BROKER);
        assertThat(values.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(values.get("cleanup.policy").source()).isEqualTo(TopicConfigs.Source.DEFAULT);
        assertThat(values.get("max.message.bytes").value()).isEqualTo("1048588");
        assertThat(values.get("message.timestamp.after.max.ms").value()).isEqualTo("3600000");
        assertThat(values.get("message.timestamp.before.max.ms").value()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(values.get("compression.type").value()).isEqualTo("producer");
        assertThat(values.get("compression.gzip.level").value()).isEqualTo("-1");
        assertThat(values.get("compression.lz4.level").value()).isEqualTo("9");
        assertThat(values.get("compression.zstd.level").value()).isEqualTo("3");
        assertThat(values.get("max.compaction.lag.ms").value()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(values.get("segment.jitter.ms").value()).isEqualTo("0");
        assertThat(values.get("local.retention.ms").value()).isEqualTo("-2");
        assertThat(values.get("remote.storage.enable").value()).isEqualTo("false");
        assertThat(values.get("follower.replication.throttled.replicas")).satisfies(v -> {
            assertThat(v.value()).isEmpty();
            assertThat(v.source()).isEqualTo(TopicConfigs.Source.DEFAULT);
        });
    }
}
