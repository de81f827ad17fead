package io.wharf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.LogConfig;
import io.wharf.log.TopicCompression;
import io.wharf.log.record.Compression;
import io.wharf.server.config.ServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker keys behind topic keys reach the topics' default log settings, and the log manager's its own. */
class ServerSettingsTest {
    @Test
    void theDefaultsAreKafkas() {
        assertThat(ServerSettings.logConfig(ServerConfig.fromMap(Map.of()))).isEqualTo(LogConfig.defaults());
    }

    @Test
    void timestampCompressionJitterAndLagKeysReachTheLogConfig() {
        LogConfig c = ServerSettings.logConfig(ServerConfig.fromMap(Map.of(
            "log.message.timestamp.before.max.ms", "1000",
            "log.message.timestamp.after.max.ms", "2000",
            "compression.type", "lz4",
            "compression.lz4.level", "12",
            "compression.gzip.level", "1",
            "compression.zstd.level", "10",
            "log.roll.jitter.ms", "300",
            "log.cleaner.max.compaction.lag.ms", "900000")));
        assertThat(c.timestampBeforeMaxMs()).isEqualTo(1000);
        assertThat(c.timestampAfterMaxMs()).isEqualTo(2000);
        assertThat(c.compressionType()).isEqualTo(TopicCompression.LZ4);
        assertThat(c.storedCompression()).contains(Compression.LZ4);
        assertThat(c.compressionLevel()).isEqualTo(12);
        assertThat(c.gzipLevel()).isEqualTo(1);
        assertThat(c.zstdLevel()).isEqualTo(10);
        assertThat(c.segmentJitterMs()).isEqualTo(300);
        assertThat(c.maxCompactionLagMs()).isEqualTo(900_000);
        assertThat(ServerSettings.logConfig(ServerConfig.fromMap(Map.of("compression.type", "uncompressed")))
            .storedCompression()).contains(Compression.NONE);
    }

    @Test
    void producerIdExpirationReachesTheLogManager() {
        assertThat(ServerSettings.logManager(ServerConfig.fromMap(Map.of())).producerIdExpirationMs())
            .isEqualTo(86_400_000L);
        assertThat(ServerSettings.logManager(ServerConfig.fromMap(Map.of("producer.id.expiration.ms", "60000")))
            .producerIdExpirationMs()).isEqualTo(60_000L);
    }
}
