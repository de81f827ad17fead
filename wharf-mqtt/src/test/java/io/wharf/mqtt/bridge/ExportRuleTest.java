package io.wharf.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExportRuleTest {
    @Test
    void anEntryIsCutAtItsLastGreaterThanSign() {
        assertThat(ExportRule.parse("sensors/#>readings")).isEqualTo(new ExportRule("sensors/#", "readings"));
        assertThat(ExportRule.parse(" a>b/+ > out.topic ")).isEqualTo(new ExportRule("a>b/+", "out.topic"));
    }

    @Test
    void badEntriesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> ExportRule.parse("sensors/#")).hasMessageContaining("expected FILTER>TOPIC");
        assertThatThrownBy(() -> ExportRule.parse("sensors/#/x>t")).hasMessageContaining("'#' must be alone");
        assertThatThrownBy(() -> ExportRule.parse("a/b+>t")).hasMessageContaining("'+' must occupy an entire level");
        assertThatThrownBy(() -> ExportRule.parse(">t")).hasMessageContaining("at least one character");
        assertThatThrownBy(() -> ExportRule.parse("a>bad topic")).hasMessageContaining("is not a Kafka topic name");
        assertThatThrownBy(() -> ExportRule.parse("a>")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> ExportRule.parse("a>__consumer_offsets")).hasMessageContaining("internal Kafka topic");
    }

    @Test
    void aTopicOnBothSidesOfTheBridgeIsRefused() {
        assertThatThrownBy(() -> new KafkaBridge.Config(List.of(ExportRule.parse("a/#>loop")), List.of("loop")))
            .hasMessageContaining("both in mqtt.kafka.export");
        assertThatThrownBy(() -> new KafkaBridge.Config(List.of(), List.of("__transaction_state")))
            .hasMessageContaining("internal Kafka topic");
    }
}
