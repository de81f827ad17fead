package io.wharf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.log.Isolation;
import io.wharf.log.LogDirException;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.server.config.ConfigException;
import io.wharf.server.config.ServerConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WharfServerTest {
    @TempDir
    Path dir;

    private ServerConfig config(String... extra) {
        Map<String, String> m = new HashMap<>();
        m.put("log.dirs", dir.resolve("logs").toString());
        m.put("listeners", "PLAINTEXT://127.0.0.1:0");
        m.put("amqp.listeners", "AMQP://127.0.0.1:0");
        m.put("mqtt.listeners", "MQTT://127.0.0.1:0");
        m.put("zookeeper.embedded.port", "0");
        for (int i = 0; i < extra.length; i += 2) m.put(extra[i], extra[i + 1]);
        return ServerConfig.fromMap(m);
    }

    @Test
    void registersItselfWithTheRealPortOfAnEphemeralListener() throws Exception {
        try (WharfServer server = WharfServer.start(config("broker.id", "7"))) {
            int port = server.boundPort("PLAINTEXT");
            assertThat(port).isPositive();
            BrokerRegistration reg = server.broker().metadata().broker(7).orElseThrow();
            assertThat(reg.kafkaEndpoints()).singleElement()
                .satisfies(e -> assertThat(e.port()).isEqualTo(port))
                .satisfies(e -> assertThat(e.host()).isEqualTo("127.0.0.1"));
            assertThat(server.broker().metadata().liveBrokerIds()).containsExactly(7);
            assertThat(server.broker().controllerId()).isEqualTo(7);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }
    }

    @Test
    void topicsAndTheirDataSurviveARestart() {
        PartitionId p1 = new PartitionId("orders", 1);
        try (WharfServer server = WharfServer.start(config())) {
            server.broker().topics().createTopic("orders", 3, (short) 1, Map.of("retention.ms", "3600000"), false);
            Partition partition = server.broker().topics().partition(p1).orElseThrow();
            partition.appendAsLeader(RecordBatchBuilder.of(Compression.NONE, 1, "a".getBytes(), "b".getBytes()));
            assertThat(partition.highWatermark()).isEqualTo(2);
        }
        assertThat(dir.resolve("logs").resolve(".wharf_cleanshutdown")).exists();
        try (WharfServer server = WharfServer.start(config())) {
            assertThat(server.broker().topics().topic("orders")).get()
                .satisfies(t -> assertThat(t.partitionCount()).isEqualTo(3))
                .satisfies(t -> assertThat(t.configs()).containsEntry("retention.ms", "3600000"));
            Partition partition = server.broker().topics().partition(p1).orElseThrow();
            assertThat(partition.highWatermark()).isEqualTo(2);
            assertThat(partition.log().config().retentionMs()).isEqualTo(3600000);
            assertThat(partition.read(0, 1000, Isolation.HIGH_WATERMARK, true).records().size()).isPositive();
        }
    }

    @Test
    void deleteWithDeletionDisabledOnlyMarksTheTopicUntilARestartWithItEnabled() {
        PartitionId p0 = new PartitionId("keep", 0);
        try (WharfServer server = WharfServer.start(config("delete.topic.enable", "false"))) {
            server.broker().topics().createTopic("keep", 1, (short) 1, Map.of(), false);
            assertThatThrownBy(() -> server.broker().topics().deleteTopic("keep")).isInstanceOf(BrokerException.class)
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.TOPIC_DELETION_DISABLED);
            assertThat(server.broker().metadata().topicsMarkedForDeletion()).containsExactly("keep");
            Partition p = server.broker().topics().partition(p0).orElseThrow();
            p.appendAsLeader(RecordBatchBuilder.of(Compression.NONE, 1, "still works".getBytes()));
            assertThat(p.highWatermark()).isEqualTo(1);
        }
        try (WharfServer server = WharfServer.start(config("delete.topic.enable", "false"))) {
            assertThat(server.broker().topics().topic("keep")).isPresent();
        }
        try (WharfServer server = WharfServer.start(config("delete.topic.enable", "true"))) {
            assertThat(server.broker().topics().topic("keep")).isEmpty();
            assertThat(server.broker().metadata().topicsMarkedForDeletion()).isEmpty();
            assertThat(server.broker().topics().partition(p0)).isEmpty();
        }
    }

    @Test
    void aPortInUseIsNamedInTheErrorAndNothingIsLeftRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> WharfServer.start(config("listeners", "PLAINTEXT://127.0.0.1:" + port)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("listeners");
        }
        // The failed start released the log directory: a new start on it works.
        try (WharfServer server = WharfServer.start(config())) {
            assertThat(server.boundPort("PLAINTEXT")).isPositive();
        }
    }

    @Test
    void anUnusableLogDirIsNamedInTheError() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "not a directory");
        assertThatThrownBy(() -> WharfServer.start(config("log.dirs", file.resolve("logs").toString())))
            .isInstanceOf(LogDirException.class).hasMessageContaining(file.resolve("logs").toString());
    }

    @Test
    void invalidTopicRequestsGetBrokerErrors() {
        try (WharfServer server = WharfServer.start(config())) {
            var topics = server.broker().topics();
            assertThatThrownBy(() -> topics.createTopic("bad name!", 1, (short) 1, Map.of(), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.INVALID_TOPIC);
            assertThatThrownBy(() -> topics.createTopic("t", 0, (short) 1, Map.of(), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.INVALID_PARTITIONS);
            assertThatThrownBy(() -> topics.createTopic("t", 1, (short) 2, Map.of(), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.INVALID_REPLICATION_FACTOR);
            assertThatThrownBy(() -> topics.createTopic("t", 1, (short) 1, Map.of("retention.mss", "1"), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.INVALID_CONFIG);
            assertThatThrownBy(() -> topics.createTopic("t", 1, (short) 1, Map.of("segment.bytes", "abc"), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.INVALID_CONFIG);
            topics.createTopic("t", 1, (short) 1, Map.of(), false);
            assertThatThrownBy(() -> topics.createTopic("t", 1, (short) 1, Map.of(), false))
                .extracting(e -> ((BrokerException) e).error()).isEqualTo(BrokerError.TOPIC_ALREADY_EXISTS);
            assertThat(topics.topics()).hasSize(1);
        }
    }
}
