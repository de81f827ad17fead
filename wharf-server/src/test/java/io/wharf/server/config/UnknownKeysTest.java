package io.wharf.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class UnknownKeysTest {

    @Test
    void distanceCountsInsertionsDeletionsReplacementsAndSwapsOnce() {
        assertThat(UnknownKeys.distance("num.partitions", "num.partitions")).isZero();
        assertThat(UnknownKeys.distance("num.partition", "num.partitions")).isEqualTo(1);
        assertThat(UnknownKeys.distance("num.partitionss", "num.partitions")).isEqualTo(1);
        assertThat(UnknownKeys.distance("num.partitiens", "num.partitions")).isEqualTo(1);
        assertThat(UnknownKeys.distance("num.patritions", "num.partitions")).isEqualTo(1);
        assertThat(UnknownKeys.distance("", "abc")).isEqualTo(3);
        assertThat(UnknownKeys.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void nearestPrefersFewestEdits() {
        List<String> known = List.of("log.retention.hours", "log.retention.ms", "log.retention.minutes");

        assertThat(UnknownKeys.nearest("log.retention.m", known)).contains("log.retention.ms");
        assertThat(UnknownKeys.nearest("log.retention.hour", known)).contains("log.retention.hours");
        assertThat(UnknownKeys.nearest("log.retention", known)).contains("log.retention.ms");
    }

    @Test
    void nothingIsNearWhenEveryKeyIsFarOrTheTruncationIsTooShort() {
        List<String> known = List.of("log.retention.hours", "num.partitions");

        assertThat(UnknownKeys.nearest("metric.reporters", known)).isEmpty();
        assertThat(UnknownKeys.nearest("log.", known)).isEmpty();
        assertThat(UnknownKeys.nearest("num.partitions.per.topic", known)).isEmpty();
    }

    @Test
    void noKafkaKeyWharfIgnoresIsAlsoAWharfKey() {
        assertThat(UnknownKeys.KAFKA_KEYS_NOT_USED).doesNotContainAnyElementsOf(ServerConfigDef.DEF.names());
    }
}
