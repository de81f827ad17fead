package io.wharf.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {
    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> rejecting(Map<String, String> settings, String key) {
        return assertThatThrownBy(() -> ServerConfig.fromMap(settings))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).contains(key));
    }

    // ---- unknown keys ----

    @Test
    void aTypoOfAKnownKeyIsAnErrorThatSuggestsTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("server.properties"), "log.retention.hour=24\n");

        assertThatThrownBy(() -> ServerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown configuration key 'log.retention.hour'; did you mean 'log.retention.hours'?");
    }

    @ParameterizedTest
    @CsvSource({
        "num.partition,                num.partitions",
        "log.retnetion.hours,          log.retention.hours",
        "Num.Partitions,               num.partitions",
        "listener,                     listeners",
        "zookeeper.session.timeout,    zookeeper.session.timeout.ms",
        "log.cleaner.min.cleanable,    log.cleaner.min.cleanable.ratio",
        "log.flush.interval.m,         log.flush.interval.ms",
        "delete.topics.enable,         delete.topic.enable",
        "log.dirz,                     log.dirs",
    })
    void typosAndTruncationsSuggestTheNearestKey(String typo, String intended) {
        rejecting(Map.of(typo, "1"), typo)
                .hasMessage("Unknown configuration key '" + typo + "'; did you mean '" + intended + "'?");
    }

    @Test
    void anUnknownKeyFarFromEveryKnownKeyIsIgnoredNotAnError() {
        ServerConfig config = ServerConfig.fromMap(Map.of("metric.reporters", "com.example.Reporter",
                "num.partitions", "2"));

        assertThat(config.numPartitions()).isEqualTo(2);
        assertThat(config.ignoredKeys()).containsExactly("metric.reporters");
        assertThat(config.originals()).containsEntry("metric.reporters", "com.example.Reporter");
    }

    @Test
    void internalKeysAreIgnored() {
        assertThat(ServerConfig.fromMap(Map.of("wharf.internal.num.partitions", "x")).ignoredKeys())
                .containsExactly("wharf.internal.num.partitions");
    }

    @Test
    void kafkaKeysThatWharfDoesNotUseAreIgnoredEvenWhenTheyResembleWharfKeys() {
        // The keys of Kafka's own config/server.properties (ZooKeeper and KRaft editions): a copied file starts.
        Map<String, String> kafkaFile = Map.ofEntries(
                Map.entry("broker.id", "0"),
                Map.entry("listeners", "PLAINTEXT://:9092"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"),
                Map.entry("num.network.threads", "3"),
                Map.entry("num.io.threads", "8"),
                Map.entry("socket.send.buffer.bytes", "102400"),
                Map.entry("socket.receive.buffer.bytes", "102400"),
                Map.entry("socket.request.max.bytes", "104857600"),
                Map.entry("log.dirs", "/tmp/kafka-logs"),
                Map.entry("num.partitions", "1"),
                Map.entry("num.recovery.threads.per.data.dir", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("log.retention.hours", "168"),
                Map.entry("log.segment.bytes", "1073741824"),
                Map.entry("log.retention.check.interval.ms", "300000"),
                Map.entry("zookeeper.connect", "localhost:2181"),
                Map.entry("zookeeper.connection.timeout.ms", "18000"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.cleaner.threads", "1"),
                Map.entry("log.dir.failure.timeout.ms", "30000"),
                Map.entry("broker.id.generation.enable", "true"),
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.bootstrap.servers", "localhost:9093"));

        ServerConfig config = ServerConfig.fromMap(kafkaFile);

        assertThat(config.ignoredKeys()).containsExactlyInAnyOrder("listener.security.protocol.map",
                "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "num.recovery.threads.per.data.dir",
                "log.cleaner.threads", "log.dir.failure.timeout.ms", "broker.id.generation.enable",
                "process.roles", "node.id", "controller.quorum.bootstrap.servers");
    }

    // ---- types ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "num.partitions                  | abc      | expected an integer",
        "num.partitions                  | 1.5      | expected an integer",
        "num.partitions                  | \"\"       | expected an integer",
        "broker.id                       | 3000000000 | expected an integer between -2147483648 and 2147483647",
        "log.retention.ms                | 99999999999999999999 | "
                + "expected an integer between -9223372036854775808 and 9223372036854775807",
        "log.retention.bytes             | 1GB      | expected an integer",
        "delete.topic.enable             | yes      | expected true or false",
        "log.cleaner.min.cleanable.ratio | half     | expected a number",
        "log.cleaner.min.cleanable.ratio | NaN      | expected a number",
        "log.cleanup.policy              | \"delete,,compact\" | the list has an empty entry",
    })
    void aValueOfTheWrongTypeIsRejectedNamingTheKey(String key, String value, String expected) {
        rejecting(Map.of(key, value), key)
                .hasMessage("Invalid value '" + value.trim() + "' for configuration key '" + key + "': " + expected);
    }

    // ---- ranges and allowed values ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "broker.id                               | -1      | must be at least 0",
        "num.partitions                          | 0       | must be at least 1",
        "default.replication.factor              | 0       | must be between 1 and 32767",
        "offsets.topic.replication.factor        | 40000   | must be between 1 and 32767",
        "min.insync.replicas                     | 0       | must be at least 1",
        "log.segment.bytes                       | 13      | must be at least 14",
        "log.roll.hours                          | 0       | must be at least 1",
        "log.roll.ms                             | 0       | must be at least 1",
        "log.retention.hours                     | -2      | must be at least -1",
        "log.index.size.max.bytes                | 3       | must be at least 4",
        "log.flush.interval.messages             | 0       | must be at least 1",
        "log.cleaner.min.cleanable.ratio         | 1.5     | must be between 0.0 and 1.0",
        "zookeeper.embedded.port                 | 65536   | must be between 0 and 65535",
        "zookeeper.session.timeout.ms            | 0       | must be at least 1",
        "num.io.threads                          | 0       | must be at least 1",
        "message.max.bytes                       | -1      | must be at least 0",
        "log.cleanup.policy                      | remove  | 'remove' is not one of delete, compact",
        "log.cleanup.policy                      | \"delete,delete\" | 'delete' is listed twice",
        "log.cleanup.policy                      | \"\"      | must list at least one policy",
    })
    void aValueOutOfRangeIsRejectedNamingTheKey(String key, String value, String problem) {
        rejecting(Map.of(key, value), key)
                .hasMessage("Invalid value '" + value + "' for configuration key '" + key + "': " + problem);
    }

    @Test
    void logSegmentBytesAcceptsTheSmallestSegment() {
        assertThat(ServerConfig.fromMap(Map.of("log.segment.bytes", "14")).logSegmentBytes()).isEqualTo(14);
    }

    // ---- log directories ----

    @Test
    void anEmptyLogDirsIsRejected() {
        rejecting(Map.of("log.dirs", ""), "log.dirs")
                .hasMessage("Invalid value '' for configuration key 'log.dirs': must list at least one directory");
        rejecting(Map.of("log.dir", " "), "log.dir")
                .hasMessage("Invalid value '' for configuration key 'log.dir': must list at least one directory");
    }

    @Test
    void theSameLogDirTwiceIsRejected() {
        rejecting(Map.of("log.dirs", "data/a,./data/a"), "log.dirs")
                .hasMessage("Invalid value 'data/a,./data/a' for configuration key 'log.dirs': "
                        + "'data/a' is listed twice");
    }

    @Test
    void aLogDirThatIsNotAPathIsRejected() {
        rejecting(Map.of("log.dirs", "data/a\u0000b"), "log.dirs").hasMessageContaining("not a valid path");
    }

    // ---- listeners ----

    @Test
    void aMalformedListenerIsRejectedNamingTheKeyAndTheListener() {
        rejecting(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,127.0.0.1:9093"), "listeners")
                .hasMessage("Invalid value '127.0.0.1:9093' for configuration key 'listeners': "
                        + "expected NAME://host:port, e.g. PLAINTEXT://127.0.0.1:9092");
        rejecting(Map.of("mqtt.listeners", "MQTT://localhost:99999"), "mqtt.listeners")
                .hasMessage("Invalid value 'MQTT://localhost:99999' for configuration key 'mqtt.listeners': "
                        + "port '99999' is not a number from 0 to 65535");
    }

    @Test
    void kafkaNeedsAtLeastOneListener() {
        rejecting(Map.of("listeners", ""), "listeners")
                .hasMessage("Invalid value '' for configuration key 'listeners': must list at least one listener");
    }

    @Test
    void listenerNamesMustBeDistinctWithinAndAcrossKeys() {
        rejecting(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,plaintext://127.0.0.1:9093"), "listeners")
                .hasMessage("Invalid value 'PLAINTEXT://127.0.0.1:9093' for configuration key 'listeners': "
                        + "listener name 'PLAINTEXT' is already used by 'PLAINTEXT://127.0.0.1:9092'; "
                        + "every listener needs its own name");
        rejecting(Map.of("amqp.listeners", "PLAINTEXT://127.0.0.1:5672"), "amqp.listeners")
                .hasMessageContaining("is already used by 'PLAINTEXT://127.0.0.1:9092' in 'listeners'");
    }

    @Test
    void listenerPortsMustBeDistinctOnOverlappingInterfaces() {
        rejecting(Map.of("mqtt.listeners", "MQTT://127.0.0.1:9092"), "mqtt.listeners")
                .hasMessage("Invalid value 'MQTT://127.0.0.1:9092' for configuration key 'mqtt.listeners': "
                        + "port 9092 is already taken by 'PLAINTEXT://127.0.0.1:9092' in 'listeners'; "
                        + "every listener needs its own port");
        rejecting(Map.of("http.listeners", "HTTP://:9092"), "http.listeners")
                .hasMessageContaining("port 9092 is already taken");
        rejecting(Map.of("listeners", "A://[::]:9092,B://[::1]:9092"), "listeners")
                .hasMessageContaining("port 9092 is already taken by 'A://[::]:9092'");
    }

    @Test
    void theSamePortOnDifferentAddressesOrPortZeroTwiceIsFine() {
        ServerConfig config = ServerConfig.fromMap(Map.of(
                "listeners", "INTERNAL://10.0.0.1:9092,EXTERNAL://192.168.1.1:9092",
                "amqp.listeners", "AMQP://127.0.0.1:0",
                "mqtt.listeners", "MQTT://127.0.0.1:0"));

        assertThat(config.kafkaListeners()).hasSize(2);
    }

    @Test
    void advertisedListenersFollowKafkasRules() {
        Map<String, String> base = Map.of("listeners", "PLAINTEXT://:9092,INTERNAL://10.0.0.1:9093");

        rejecting(with(base, "advertised.listeners", "EXTERNAL://example.com:9092"), "advertised.listeners")
                .hasMessage("Invalid value 'EXTERNAL://example.com:9092' for configuration key 'advertised.listeners': "
                        + "there is no listener named 'EXTERNAL' in 'listeners' (names there: INTERNAL, PLAINTEXT)");
        rejecting(with(base, "advertised.listeners", "PLAINTEXT://0.0.0.0:9092"), "advertised.listeners")
                .hasMessageContaining("the wildcard address 0.0.0.0 cannot be advertised");
        rejecting(with(base, "advertised.listeners", "PLAINTEXT://example.com:0"), "advertised.listeners")
                .hasMessageContaining("port 0 cannot be advertised");
        rejecting(with(base, "advertised.listeners", "PLAINTEXT://a.example.com:9092,PLAINTEXT://b.example.com:9092"),
                "advertised.listeners").hasMessageContaining("listener name 'PLAINTEXT' is advertised twice");

        // Unlike bound listeners, advertised ones may share a port (one load balancer for several listeners).
        ServerConfig config = ServerConfig.fromMap(with(base, "advertised.listeners",
                "PLAINTEXT://lb.example.com:443,INTERNAL://lb.example.com:443"));
        assertThat(config.advertisedListeners()).extracting(Listener::port).containsExactly(443, 443);
    }

    // ---- ZooKeeper ----

    @Test
    void aMalformedZooKeeperConnectStringIsRejected() {
        rejecting(Map.of("zookeeper.connect", "zk1:2181,,zk2:2181"), "zookeeper.connect")
                .hasMessageContaining("expected host:port[,host:port...][/chroot]");
        rejecting(Map.of("zookeeper.connect", "zk1:21810000"), "zookeeper.connect")
                .hasMessage("Invalid value 'zk1:21810000' for configuration key 'zookeeper.connect': "
                        + "'zk1:21810000' does not end in a port from 1 to 65535");
        rejecting(Map.of("zookeeper.connect", "zk1:2181/wharf/"), "zookeeper.connect")
                .hasMessageContaining("chroot path '/wharf/'");
    }

    @Test
    void wellFormedZooKeeperConnectStringsAreAccepted() {
        for (String connect : List.of("localhost", "localhost:2181", "zk1:2181,zk2,zk3:2182/a/b", "[::1]:2181",
                "zk:2181/")) {
            assertThat(ServerConfig.fromMap(Map.of("zookeeper.connect", connect)).zookeeperConnect()).contains(connect);
        }
    }

    // ---- the first problem only ----

    @Test
    void onlyTheFirstProblemIsReportedAndTyposComeFirst() {
        rejecting(Map.of("num.partitons", "3", "num.partitions", "abc"), "num.partitons")
                .hasMessageContaining("did you mean 'num.partitions'?");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
