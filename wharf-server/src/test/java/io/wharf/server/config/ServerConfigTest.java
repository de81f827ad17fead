package io.wharf.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path dir;

    private Path propertiesFile(String... lines) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void anEmptyFileGivesTheDocumentedDefaults() throws IOException {
        ServerConfig config = ServerConfig.load(propertiesFile("# nothing set"), Map.of());

        assertThat(config.brokerId()).isZero();
        assertThat(config.kafkaListeners()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.advertisedListeners()).isEqualTo(config.kafkaListeners());
        assertThat(config.amqpListeners()).containsExactly(new Listener("AMQP", "127.0.0.1", 5672));
        assertThat(config.mqttListeners()).as("loopback only, like Kafka's and AMQP's")
                .containsExactly(new Listener("MQTT", "127.0.0.1", 1883));
        assertThat(config.mqttAllowAnonymous()).isFalse();
        assertThat(config.mqttSysIntervalSeconds()).isEqualTo(10);
        assertThat(config.mqttMaxSessionExpirySeconds()).isEqualTo(86_400);
        assertThat(config.mqttKafkaBridge().isEmpty()).isTrue();
        assertThat(config.mqttFlowBacklogMessages()).isEqualTo(1000);
        assertThat(config.httpListeners()).isEmpty();
        assertThat(config.logDirs()).containsExactly(Path.of("data/wharf-logs"));
        assertThat(config.zookeeperConnect()).isEmpty();
        assertThat(config.zookeeperSessionTimeoutMs()).isEqualTo(18000);
        assertThat(config.zookeeperConnectionTimeoutMs()).isEqualTo(18000);
        assertThat(config.zookeeperEmbeddedPort()).isEqualTo(2181);
        assertThat(config.deleteTopicEnable()).isTrue();
        assertThat(config.autoCreateTopicsEnable()).isTrue();
        assertThat(config.numPartitions()).isEqualTo(1);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.minInsyncReplicas()).isEqualTo(1);
        assertThat(config.logRetentionMs()).isEqualTo(168 * 3_600_000L);
        assertThat(config.logRetentionBytes()).isEqualTo(-1L);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(300_000L);
        assertThat(config.logSegmentBytes()).isEqualTo(1_073_741_824);
        assertThat(config.logRollMs()).isEqualTo(168 * 3_600_000L);
        assertThat(config.logRollJitterMs()).isZero();
        assertThat(config.logIndexIntervalBytes()).isEqualTo(4096);
        assertThat(config.logIndexSizeMaxBytes()).isEqualTo(10_485_760);
        assertThat(config.logFlushIntervalMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushSchedulerIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(60_000);
        assertThat(config.logCleanupPolicy()).containsExactly("delete");
        assertThat(config.logCleanerEnable()).isTrue();
        assertThat(config.logCleanerDeleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(config.logCleanerMinCleanableRatio()).isEqualTo(0.5);
        assertThat(config.logCleanerMaxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logCleanerBackoffMs()).isEqualTo(15_000L);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000L);
        assertThat(config.messageMaxBytes()).isEqualTo(1_048_588);
        assertThat(config.logMessageTimestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logMessageTimestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(config.compressionType()).isEqualTo("producer");
        assertThat(config.compressionGzipLevel()).isEqualTo(-1);
        assertThat(config.compressionLz4Level()).isEqualTo(9);
        assertThat(config.compressionZstdLevel()).isEqualTo(3);
        assertThat(config.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(config.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.transactionStateLogNumPartitions()).isEqualTo(50);
        assertThat(config.transactionStateLogReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.transactionStateLogMinIsr()).isEqualTo(1);
        assertThat(config.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(config.offsetsRetentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(config.numNetworkThreads()).isEqualTo(3);
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104_857_600);
        assertThat(config.originals()).isEmpty();
        assertThat(config.ignoredKeys()).isEmpty();
    }

    /** One line per key of the table, each with a value other than its default. */
    private static final String[] EVERY_KEY = {
        "broker.id=7",
        "listeners=PLAINTEXT://:9192,REPLICATION://10.0.0.7:9193",
        "advertised.listeners=PLAINTEXT://broker7.example.com:19192,REPLICATION://10.0.0.7:9193",
        "amqp.listeners=AMQP://127.0.0.1:5673",
        "memory.high.watermark=0.5",
        "disk.free.limit.bytes=1000000",
        "mqtt.listeners=MQTT://[::1]:1884",
        "mqtt.allow.anonymous=true",
        "mqtt.sys.interval.seconds=30",
        "mqtt.max.session.expiry.seconds=3600",
        "mqtt.kafka.export=sensors/#>readings, a/+/b>ab",
        "mqtt.kafka.import=commands",
        "mqtt.flow.backlog.messages=250",
        "http.listeners=HTTP://127.0.0.1:0",
        "log.dirs=/var/lib/wharf/a, /var/lib/wharf/b",
        "log.dir=/ignored/because/log.dirs/is/set",
        "zookeeper.connect=zk1:2181,zk2:2181/wharf",
        "zookeeper.session.timeout.ms=30000",
        "zookeeper.connection.timeout.ms=5000",
        "zookeeper.embedded.port=0",
        "delete.topic.enable=false",
        "auto.create.topics.enable=FALSE",
        "num.partitions=6",
        "default.replication.factor=3",
        "min.insync.replicas=2",
        "log.retention.hours=1",
        "log.retention.minutes=2",
        "log.retention.ms=3000",
        "log.retention.bytes=1000000",
        "log.retention.check.interval.ms=1000",
        "log.segment.bytes=1048576",
        "log.roll.hours=2",
        "log.roll.ms=4000",
        "log.roll.jitter.hours=1",
        "log.roll.jitter.ms=500",
        "log.index.interval.bytes=1024",
        "log.index.size.max.bytes=4096",
        "log.flush.interval.messages=10000",
        "log.flush.interval.ms=500",
        "log.flush.scheduler.interval.ms=250",
        "log.flush.offset.checkpoint.interval.ms=30000",
        "log.cleanup.policy=compact, delete",
        "log.cleaner.enable=false",
        "log.cleaner.delete.retention.ms=1000",
        "log.cleaner.min.cleanable.ratio=0.25",
        "log.cleaner.max.compaction.lag.ms=600000",
        "log.cleaner.backoff.ms=100",
        "log.segment.delete.delay.ms=10",
        "file.delete.delay.ms=20",
        "message.max.bytes=2097152",
        "log.message.timestamp.before.max.ms=86400000",
        "log.message.timestamp.after.max.ms=60000",
        "compression.type=zstd",
        "compression.gzip.level=9",
        "compression.lz4.level=17",
        "compression.zstd.level=-5",
        "offsets.topic.num.partitions=10",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.num.partitions=5",
        "transaction.state.log.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "transaction.max.timeout.ms=60000",
        "producer.id.expiration.ms=3600000",
        "transactional.id.expiration.ms=86400000",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms=500",
        "transaction.remove.expired.transaction.cleanup.interval.ms=60000",
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=1000",
        "group.max.session.timeout.ms=60000",
        "group.max.size=50",
        "group.consumer.heartbeat.interval.ms=1000",
        "group.consumer.session.timeout.ms=20000",
        "group.consumer.assignors=range",
        "group.consumer.max.size=40",
        "group.consumer.migration.policy=upgrade",
        "group.share.heartbeat.interval.ms=2000",
        "group.share.session.timeout.ms=30000",
        "group.share.max.size=10",
        "group.share.delivery.count.limit=3",
        "group.share.record.lock.duration.ms=15000",
        "group.share.partition.max.record.locks=500",
        "group.share.auto.offset.reset=earliest",
        "offset.metadata.max.bytes=100",
        "offsets.retention.minutes=60",
        "offsets.retention.check.interval.ms=5000",
        "num.network.threads=1",
        "num.io.threads=2",
        "socket.request.max.bytes=1024",
    };

    @Test
    void everyKeyIsParsed() throws IOException {
        ServerConfig config = ServerConfig.load(propertiesFile(EVERY_KEY), Map.of());

        assertThat(config.originals().keySet())
                .as("this test sets every key of the table")
                .containsExactlyInAnyOrderElementsOf(ServerConfigDef.DEF.names());
        assertThat(config.brokerId()).isEqualTo(7);
        assertThat(config.kafkaListeners()).containsExactly(
                new Listener("PLAINTEXT", "0.0.0.0", 9192), new Listener("REPLICATION", "10.0.0.7", 9193));
        assertThat(config.advertisedListeners()).containsExactly(
                new Listener("PLAINTEXT", "broker7.example.com", 19192), new Listener("REPLICATION", "10.0.0.7", 9193));
        assertThat(config.amqpListeners()).containsExactly(new Listener("AMQP", "127.0.0.1", 5673));
        assertThat(config.memoryHighWatermark()).isEqualTo(0.5);
        assertThat(config.diskFreeLimitBytes()).isEqualTo(1_000_000L);
        assertThat(config.mqttListeners()).containsExactly(new Listener("MQTT", "::1", 1884));
        assertThat(config.mqttAllowAnonymous()).isTrue();
        assertThat(config.mqttSysIntervalSeconds()).isEqualTo(30);
        assertThat(config.mqttMaxSessionExpirySeconds()).isEqualTo(3600);
        assertThat(config.mqttKafkaBridge().exports()).containsExactly(
                new io.wharf.mqtt.bridge.ExportRule("sensors/#", "readings"), new io.wharf.mqtt.bridge.ExportRule("a/+/b", "ab"));
        assertThat(config.mqttKafkaBridge().imports()).containsExactly("commands");
        assertThat(config.mqttFlowBacklogMessages()).isEqualTo(250);
        assertThat(config.httpListeners()).containsExactly(new Listener("HTTP", "127.0.0.1", 0));
        assertThat(config.logDirs()).containsExactly(Path.of("/var/lib/wharf/a"), Path.of("/var/lib/wharf/b"));
        assertThat(config.zookeeperConnect()).contains("zk1:2181,zk2:2181/wharf");
        assertThat(config.zookeeperSessionTimeoutMs()).isEqualTo(30000);
        assertThat(config.zookeeperConnectionTimeoutMs()).isEqualTo(5000);
        assertThat(config.zookeeperEmbeddedPort()).isZero();
        assertThat(config.deleteTopicEnable()).isFalse();
        assertThat(config.autoCreateTopicsEnable()).isFalse();
        assertThat(config.numPartitions()).isEqualTo(6);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.minInsyncReplicas()).isEqualTo(2);
        assertThat(config.logRetentionMs()).isEqualTo(3000L);
        assertThat(config.logRetentionBytes()).isEqualTo(1_000_000L);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(1000L);
        assertThat(config.logSegmentBytes()).isEqualTo(1_048_576);
        assertThat(config.logRollMs()).isEqualTo(4000L);
        assertThat(config.logRollJitterMs()).as("ms beats hours").isEqualTo(500L);
        assertThat(config.logIndexIntervalBytes()).isEqualTo(1024);
        assertThat(config.logIndexSizeMaxBytes()).isEqualTo(4096);
        assertThat(config.logFlushIntervalMessages()).isEqualTo(10_000L);
        assertThat(config.logFlushIntervalMs()).isEqualTo(500L);
        assertThat(config.logFlushSchedulerIntervalMs()).isEqualTo(250L);
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(30_000);
        assertThat(config.logCleanupPolicy()).containsExactly("compact", "delete");
        assertThat(config.logCleanerEnable()).isFalse();
        assertThat(config.logCleanerDeleteRetentionMs()).isEqualTo(1000L);
        assertThat(config.logCleanerMinCleanableRatio()).isEqualTo(0.25);
        assertThat(config.logCleanerMaxCompactionLagMs()).isEqualTo(600_000L);
        assertThat(config.logCleanerBackoffMs()).isEqualTo(100L);
        assertThat(config.fileDeleteDelayMs()).as("the broker key beats its topic-level synonym").isEqualTo(10L);
        assertThat(config.messageMaxBytes()).isEqualTo(2_097_152);
        assertThat(config.logMessageTimestampBeforeMaxMs()).isEqualTo(86_400_000L);
        assertThat(config.logMessageTimestampAfterMaxMs()).isEqualTo(60_000L);
        assertThat(config.compressionType()).isEqualTo("zstd");
        assertThat(config.compressionGzipLevel()).isEqualTo(9);
        assertThat(config.compressionLz4Level()).isEqualTo(17);
        assertThat(config.compressionZstdLevel()).isEqualTo(-5);
        assertThat(config.offsetsTopicNumPartitions()).isEqualTo(10);
        assertThat(config.offsetsTopicReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.transactionStateLogNumPartitions()).isEqualTo(5);
        assertThat(config.transactionStateLogReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.transactionStateLogMinIsr()).isEqualTo(2);
        assertThat(config.transactionMaxTimeoutMs()).isEqualTo(60000);
        assertThat(config.producerIdExpirationMs()).isEqualTo(3_600_000);
        assertThat(config.transactionalIdExpirationMs()).isEqualTo(86_400_000);
        assertThat(config.transactionAbortTimedOutIntervalMs()).isEqualTo(500);
        assertThat(config.transactionRemoveExpiredIntervalMs()).isEqualTo(60000);
        assertThat(config.groupInitialRebalanceDelayMs()).isZero();
        assertThat(config.groupMinSessionTimeoutMs()).isEqualTo(1000);
        assertThat(config.groupMaxSessionTimeoutMs()).isEqualTo(60000);
        assertThat(config.groupMaxSize()).isEqualTo(50);
        assertThat(config.groupConsumerHeartbeatIntervalMs()).isEqualTo(1000);
        assertThat(config.groupConsumerSessionTimeoutMs()).isEqualTo(20000);
        assertThat(config.groupConsumerAssignors()).containsExactly("range");
        assertThat(config.groupConsumerMaxSize()).isEqualTo(40);
        assertThat(config.groupShareHeartbeatIntervalMs()).isEqualTo(2000);
        assertThat(config.groupShareSessionTimeoutMs()).isEqualTo(30000);
        assertThat(config.groupShareMaxSize()).isEqualTo(10);
        assertThat(config.groupShareDeliveryCountLimit()).isEqualTo(3);
        assertThat(config.groupShareRecordLockDurationMs()).isEqualTo(15000);
        assertThat(config.groupSharePartitionMaxRecordLocks()).isEqualTo(500);
        assertThat(config.groupShareAutoOffsetReset()).isEqualTo("earliest");
        assertThat(config.groupConsumerMigrationPolicy()).isEqualTo("upgrade");
        assertThat(config.offsetMetadataMaxBytes()).isEqualTo(100);
        assertThat(config.offsetsRetentionMs()).isEqualTo(3_600_000L);
        assertThat(config.offsetsRetentionCheckIntervalMs()).isEqualTo(5000);
        assertThat(config.numNetworkThreads()).isEqualTo(1);
        assertThat(config.numIoThreads()).isEqualTo(2);
        assertThat(config.socketRequestMaxBytes()).isEqualTo(1024);
        assertThat(config.ignoredKeys()).isEmpty();
    }

    @Test
    void overridesBeatTheFileAndTheFileBeatsDefaults() throws IOException {
        Path file = propertiesFile("num.partitions=3", "broker.id=1", "log.retention.hours=24");

        ServerConfig config = ServerConfig.load(file, Map.of("num.partitions", "12", "log.retention.ms", "60000"));

        assertThat(config.numPartitions()).isEqualTo(12);
        assertThat(config.brokerId()).isEqualTo(1);
        assertThat(config.logRetentionMs()).isEqualTo(60_000L);
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.originals()).containsEntry("num.partitions", "12").containsEntry("broker.id", "1");
    }

    @Test
    void overrideWordsAreSplitAtTheFirstEqualsSign() {
        Map<String, String> overrides = ServerConfig.parseOverrides(
                List.of("num.partitions=3", "zookeeper.connect=zk:2181/a=b", "num.partitions=4", "log.dirs="));

        assertThat(overrides).containsExactly(Map.entry("num.partitions", "4"),
                Map.entry("zookeeper.connect", "zk:2181/a=b"), Map.entry("log.dirs", ""));
        assertThatThrownBy(() -> ServerConfig.parseOverrides(List.of("num.partitions")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid override 'num.partitions': expected key=value, e.g. --override num.partitions=3");
        assertThatThrownBy(() -> ServerConfig.parseOverrides(List.of("=3"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void retentionMillisecondsBeatMinutesBeatHours() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("log.retention.hours", "2");
        assertThat(ServerConfig.fromMap(settings).logRetentionMs()).isEqualTo(2 * 3_600_000L);

        settings.put("log.retention.minutes", "30");
        assertThat(ServerConfig.fromMap(settings).logRetentionMs()).isEqualTo(30 * 60_000L);

        settings.put("log.retention.ms", "1234");
        assertThat(ServerConfig.fromMap(settings).logRetentionMs()).isEqualTo(1234L);
    }

    @Test
    void minusOneRetentionMeansForeverWhicheverKeySaysIt() {
        assertThat(ServerConfig.fromMap(Map.of("log.retention.hours", "-1")).logRetentionMs()).isEqualTo(-1L);
        assertThat(ServerConfig.fromMap(Map.of("log.retention.minutes", "-1")).logRetentionMs()).isEqualTo(-1L);
        assertThat(ServerConfig.fromMap(Map.of("log.retention.ms", "-1", "log.retention.hours", "5"))
                .logRetentionMs()).isEqualTo(-1L);
    }

    @Test
    void aBadMqttKafkaBridgeEntryIsRejectedNamingTheEntry() {
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("mqtt.kafka.export", "sensors/#>readings,sensors/#")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value 'sensors/#>readings,sensors/#' for configuration key "
                        + "'mqtt.kafka.export': entry 'sensors/#': expected FILTER>TOPIC");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("mqtt.kafka.import", "no spaces")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'mqtt.kafka.import': entry 'no spaces': 'no spaces' is not a Kafka topic name");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("mqtt.kafka.export", "a/#>t", "mqtt.kafka.import", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("both in mqtt.kafka.export");
    }

    @Test
    void zeroRetentionIsRejectedNamingTheKeyThatSetIt() {
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("log.retention.minutes", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value '0' for configuration key 'log.retention.minutes': "
                        + "must be -1 (keep forever) or positive");
        // A zero that is overridden by a more precise key does not matter, as in Kafka.
        assertThat(ServerConfig.fromMap(Map.of("log.retention.hours", "0", "log.retention.ms", "10"))
                .logRetentionMs()).isEqualTo(10L);
    }

    @Test
    void consumerGroupProtocolSettingsHaveKafkasDefaultsAndChecks() {
        ServerConfig defaults = ServerConfig.fromMap(Map.of());
        assertThat(defaults.groupConsumerHeartbeatIntervalMs()).isEqualTo(5000);
        assertThat(defaults.groupConsumerSessionTimeoutMs()).isEqualTo(45000);
        assertThat(defaults.groupConsumerAssignors()).containsExactly("uniform", "range");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("group.consumer.heartbeat.interval.ms", "45000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value '45000' for configuration key 'group.consumer.heartbeat.interval.ms': "
                        + "must be less than group.consumer.session.timeout.ms (45000)");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("group.consumer.assignors", "uniform,sticky")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'sticky' is not one of uniform, range");
    }

    @Test
    void shareGroupSettingsHaveKafkasDefaultsAndChecks() {
        ServerConfig defaults = ServerConfig.fromMap(Map.of());
        assertThat(defaults.groupShareHeartbeatIntervalMs()).isEqualTo(5000);
        assertThat(defaults.groupShareSessionTimeoutMs()).isEqualTo(45000);
        assertThat(defaults.groupShareDeliveryCountLimit()).isEqualTo(5);
        assertThat(defaults.groupShareRecordLockDurationMs()).isEqualTo(30000);
        assertThat(defaults.groupShareAutoOffsetReset()).isEqualTo("latest");
        assertThat(defaults.groupConsumerMigrationPolicy()).isEqualTo("bidirectional");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("group.share.heartbeat.interval.ms", "45000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value '45000' for configuration key 'group.share.heartbeat.interval.ms': "
                        + "must be less than group.share.session.timeout.ms (45000)");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("group.share.delivery.count.limit", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.share.delivery.count.limit");
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("group.share.auto.offset.reset", "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.share.auto.offset.reset");
    }

    @Test
    void rollFlushAndConnectionTimeoutFallBackAsInKafka() {
        ServerConfig config = ServerConfig.fromMap(Map.of(
                "log.roll.hours", "3",
                "log.flush.scheduler.interval.ms", "2000",
                "zookeeper.session.timeout.ms", "45000"));

        assertThat(config.logRollMs()).isEqualTo(3 * 3_600_000L);
        assertThat(ServerConfig.fromMap(Map.of("log.roll.jitter.hours", "2")).logRollJitterMs()).isEqualTo(2 * 3_600_000L);
        assertThat(config.logFlushIntervalMs()).isEqualTo(2000L);
        assertThat(config.zookeeperConnectionTimeoutMs()).isEqualTo(45000);
    }

    @Test
    void logDirIsUsedOnlyWhenLogDirsIsNotSet() {
        assertThat(ServerConfig.fromMap(Map.of("log.dir", "/srv/kafka-logs")).logDirs())
                .containsExactly(Path.of("/srv/kafka-logs"));
        assertThat(ServerConfig.fromMap(Map.of("log.dir", "/srv/a", "log.dirs", "/srv/b")).logDirs())
                .containsExactly(Path.of("/srv/b"));
    }

    @Test
    void logDirsAreNormalised() {
        assertThat(ServerConfig.fromMap(Map.of("log.dirs", "./data//logs/, /srv/x/../y")).logDirs())
                .containsExactly(Path.of("data/logs"), Path.of("/srv/y"));
    }

    @Test
    void fileDeleteDelayIsTheSynonymOfTheBrokerKey() {
        assertThat(ServerConfig.fromMap(Map.of("file.delete.delay.ms", "5")).fileDeleteDelayMs()).isEqualTo(5L);
        assertThat(ServerConfig.fromMap(Map.of("log.segment.delete.delay.ms", "6")).fileDeleteDelayMs()).isEqualTo(6L);
    }

    @Test
    void blankOptionalValuesMeanNotSet() {
        ServerConfig config = ServerConfig.fromMap(Map.of(
                "zookeeper.connect", " ", "amqp.listeners", "", "advertised.listeners", ""));

        assertThat(config.zookeeperConnect()).isEmpty();
        assertThat(config.amqpListeners()).isEmpty();
        assertThat(config.advertisedListeners()).isEqualTo(config.kafkaListeners());
    }

    @Test
    void valuesAreTrimmed() {
        ServerConfig config = ServerConfig.fromMap(Map.of("num.partitions", " 4 ", "log.cleaner.enable", "False "));

        assertThat(config.numPartitions()).isEqualTo(4);
        assertThat(config.logCleanerEnable()).isFalse();
    }

    @Test
    void theFileIsReadAsUtf8() throws IOException {
        ServerConfig config = ServerConfig.load(propertiesFile("log.dirs=/srv/données"), Map.of());

        assertThat(config.logDirs()).containsExactly(Path.of("/srv/données"));
    }

    @Test
    void aMissingFileIsReportedWithItsPath() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> ServerConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration file '" + missing + "' does not exist")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEmpty());
    }

    @Test
    void aFileThatIsNotUtf8IsReportedWithItsPath() throws IOException {
        Path file = dir.resolve("latin1.properties");
        Files.write(file, "log.dirs=/srv/donn\u00e9es\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ServerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration file '" + file + "' is not valid UTF-8");
    }

    @Test
    void theShippedServerPropertiesLoadsAndEqualsTheDefaults() {
        Path shipped = shippedServerProperties();

        ServerConfig config = ServerConfig.load(shipped, Map.of());

        assertThat(config.ignoredKeys()).isEmpty();
        assertThat(config.kafkaListeners()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.logDirs()).containsExactly(Path.of("data/wharf-logs"));
        assertThat(config.zookeeperConnect()).as("no zookeeper.connect: embedded ZooKeeper").isEmpty();
        assertThat(config.amqpListeners()).containsExactly(new Listener("AMQP", "127.0.0.1", 5672));
        assertThat(config.mqttListeners()).containsExactly(new Listener("MQTT", "127.0.0.1", 1883));
        assertThat(config.httpListeners()).isEmpty();
        assertThat(config).as("the file says every value in it is the default")
                .hasToString(ServerConfig.fromMap(Map.of()).toString());
    }

    @Test
    void theCommentedOutLinesOfTheShippedFileAreValidToo() throws IOException {
        // Uncommenting an example must not produce a configuration error.
        List<String> uncommented = Files.readAllLines(shippedServerProperties()).stream()
                .map(line -> line.matches("#[a-z][a-z.]+=.*") ? line.substring(1) : line)
                .toList();

        ServerConfig config = ServerConfig.load(propertiesFile(uncommented.toArray(String[]::new)), Map.of());

        assertThat(config.amqpListeners()).containsExactly(new Listener("AMQP", "127.0.0.1", 5672));
        assertThat(config.mqttListeners()).as("the last mqtt.listeners line, with a WebSocket listener")
                .containsExactly(new Listener("MQTT", "0.0.0.0", 1883), new Listener("WS", "0.0.0.0", 8083));
        assertThat(config.httpListeners()).containsExactly(new Listener("HTTP", "127.0.0.1", 15672));
        assertThat(config.zookeeperConnect()).isPresent();
        assertThat(config.ignoredKeys()).isEmpty();
    }

    private static Path shippedServerProperties() {
        // Tests run in the module directory; the file lives at the repository root.
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("config/server.properties");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new AssertionError("config/server.properties not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void markdownReferenceHasARowForEveryKeyWithTypeDefaultAndDescription() {
        String reference = ServerConfig.markdownReference();

        assertThat(reference).startsWith("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (String key : ServerConfigDef.DEF.names()) {
            assertThat(reference).as(key).containsPattern("(?m)^\\| `" + key.replace(".", "\\.") + "` \\| ");
        }
        assertThat(reference.lines().count()).isEqualTo(2 + ServerConfigDef.DEF.names().size());
        assertThat(reference).contains("| `num.partitions` | int | `1` | ")
                .contains("| `listeners` | list of listeners | `PLAINTEXT://127.0.0.1:9092` | ")
                .contains("| `zookeeper.connect` | string |  | ")
                .contains("Valid values: at least 1.");
        reference.lines().forEach(row -> assertThat(row.split("(?<!\\\\)\\|", -1)).as(row).hasSize(6));
    }

    @Test
    void toStringShowsEffectiveValuesInTableOrder() {
        assertThat(ServerConfig.fromMap(Map.of("num.partitions", "5")).toString())
                .startsWith("ServerConfig{broker.id=0, listeners=[PLAINTEXT://127.0.0.1:9092], ")
                .contains("num.partitions=5");
    }
}
