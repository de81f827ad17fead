package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Compression;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    @Test
    void defaultsAreKafkaFours() {
        LogConfig d = LogConfig.defaults();
        assertThat(d.segmentJitterMs()).isZero();
        assertThat(d.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(d.timestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(d.timestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(d.compressionType()).isEqualTo(TopicCompression.PRODUCER);
        assertThat(d.storedCompression()).isEmpty();
        assertThat(d.gzipLevel()).isEqualTo(-1);
        assertThat(d.lz4Level()).isEqualTo(9);
        assertThat(d.zstdLevel()).isEqualTo(3);
        assertThat(d.randomSegmentJitterMs()).isZero();
    }

    @Test
    void topicOverridesOfTheNewKeysReachTheConfig() {
        LogConfig c = LogConfig.defaults().withOverrides(Map.of(
            "segment.jitter.ms", "500", "max.compaction.lag.ms", "60000",
            "message.timestamp.before.max.ms", "1000", "message.timestamp.after.max.ms", "2000",
            "compression.type", "ZSTD", "compression.zstd.level", "-7", "compression.gzip.level", "9",
            "compression.lz4.level", "17"));
        assertThat(c.segmentJitterMs()).isEqualTo(500);
        assertThat(c.maxCompactionLagMs()).isEqualTo(60_000);
        assertThat(c.timestampBeforeMaxMs()).isEqualTo(1000);
        assertThat(c.timestampAfterMaxMs()).isEqualTo(2000);
        assertThat(c.storedCompression()).contains(Compression.ZSTD);
        assertThat(c.compressionLevel()).isEqualTo(-7);
        assertThat(c.withOverrides(Map.of("compression.type", "gzip")).compressionLevel()).isEqualTo(9);
        assertThat(c.withOverrides(Map.of("compression.type", "uncompressed")).storedCompression()).contains(Compression.NONE);
        for (int i = 0; i < 100; i++) assertThat(c.randomSegmentJitterMs()).isBetween(0L, 499L);
    }

    @Test
    void valuesOutsideKafkasRangesAreRefusedNamingTheKey() {
        Map<String, String> bad = Map.of(
            "segment.jitter.ms", "-1",
            "max.compaction.lag.ms", "0",
            "message.timestamp.before.max.ms", "-1",
            "message.timestamp.after.max.ms", "-5",
            "compression.type", "brotli",
            "compression.gzip.level", "0",
            "compression.lz4.level", "18",
            "compression.zstd.level", "23");
        bad.forEach((key, value) -> assertThatThrownBy(() -> LogConfig.defaults().withOverrides(Map.of(key, value)))
            .as(key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key));
        assertThatThrownBy(() -> LogConfig.defaults().withOverrides(Map.of("min.compaction.lag.ms", "10",
            "max.compaction.lag.ms", "5"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
    }
}
