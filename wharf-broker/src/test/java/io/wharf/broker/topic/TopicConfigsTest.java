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
        assertThat(TopicConfigs.KEYS.values()).allSatisfy(k -> assertThat(k.brokerKey()).isNotBlank());
    }

    @Test
    void badKeysAndValuesAreInvalidConfig() {
        for (Map<String, String> bad : List.of(Map.of("no.such.key", "1"), Map.of("retention.ms", "soon"),
                Map.of("min.insync.replicas", "0"), Map.of("compression.type", "brotli"), Map.of("preallocate", "maybe"),
                Map.of("cleanup.policy", "shred"), Map.of("segment.bytes", "1"))) {
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
    }
}
