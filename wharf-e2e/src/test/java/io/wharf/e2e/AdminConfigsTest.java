package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicConfigs;
import io.wharf.log.LogConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topic and broker configs with the real Admin client: describing them with their sources, changing them
 * incrementally and wholesale, and the change reaching the log and surviving a restart.
 */
class AdminConfigsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("log.segment.bytes", "1048576");

    private Admin admin;

    @BeforeEach
    void start() {
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> error) {
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(error);
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private Config describe(ConfigResource resource) throws Exception {
        return get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)).all())
            .get(resource);
    }

    private void alter(String topic, AlterConfigOp... ops) throws Exception {
        get(admin.incrementalAlterConfigs(Map.of(topic(topic), List.of(ops))).all());
    }

    private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    private LogConfig logConfig(String topic) {
        return broker.server().broker().topics().partition(new PartitionId(topic, 0)).orElseThrow().log().config();
    }

    @Test
    void everyTopicKeyIsDescribedWithItsValueAndSource() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("described", 1, (short) 1).configs(Map.of("retention.ms", "3600000")))).all());
        Config config = describe(topic("described"));
        assertThat(config.entries()).extracting(ConfigEntry::name)
            .containsExactlyInAnyOrderElementsOf(TopicConfigs.KEYS.keySet());
        assertThat(config.entries()).allSatisfy(e -> assertThat(e.isReadOnly()).isFalse());

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.isDefault()).isFalse();
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(retention.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("retention.ms", ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG),
                org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigEntry.ConfigSource.DEFAULT_CONFIG));

        ConfigEntry cleanup = config.get("cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("delete");
        assertThat(cleanup.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(cleanup.isDefault()).isTrue();

        // log.segment.bytes is set in this broker's server.properties: a static broker default.
        ConfigEntry segment = config.get("segment.bytes");
        assertThat(segment.value()).isEqualTo("1048576");
        assertThat(segment.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(segment.synonyms()).extracting(ConfigEntry.ConfigSynonym::value).containsExactly("1048576", "1073741824");

        // Synonyms only when asked for.
        Config some = get(admin.describeConfigs(List.of(topic("described"))).all()).get(topic("described"));
        assertThat(some.get("retention.ms").synonyms()).isEmpty();
    }

    /** kafka-topics.sh --create --config with Kafka 4.1's newer keys: accepted, described, and real where Wharf can. */
    @Test
    void kafkaTopicKeysWharfHadRefusedAreAcceptedAndDescribed() throws Exception {
        Map<String, String> configs = Map.ofEntries(Map.entry("cleanup.policy", "compact"),
            Map.entry("max.compaction.lag.ms", "86400000"), Map.entry("segment.jitter.ms", "60000"),
            Map.entry("follower.replication.throttled.replicas", "0:0"),
            Map.entry("leader.replication.throttled.replicas", "*"), Map.entry("local.retention.ms", "3600000"),
            Map.entry("local.retention.bytes", "1048576"), Map.entry("remote.storage.enable", "false"),
            Map.entry("remote.log.copy.disable", "true"), Map.entry("remote.log.delete.on.disable", "true"),
            Map.entry("compression.type", "lz4"), Map.entry("compression.lz4.level", "12"),
            Map.entry("compression.gzip.level", "5"), Map.entry("compression.zstd.level", "-1"),
            Map.entry("message.timestamp.before.max.ms", "604800000"),
            Map.entry("message.timestamp.after.max.ms", "60000"));
        get(admin.createTopics(List.of(new NewTopic("kafka41", 1, (short) 1).configs(configs))).all());
        Config config = describe(topic("kafka41"));
        configs.forEach((key, value) -> {
            assertThat(config.get(key).value()).as(key).isEqualTo(value);
            assertThat(config.get(key).source()).as(key).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        });
        assertThat(config.get("leader.replication.throttled.replicas").type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(config.get("remote.log.copy.disable").type()).isEqualTo(ConfigEntry.ConfigType.BOOLEAN);
        // A key without a broker synonym lists only its override.
        assertThat(config.get("follower.replication.throttled.replicas").synonyms())
            .extracting(ConfigEntry.ConfigSynonym::name).containsExactly("follower.replication.throttled.replicas");
        assertThat(config.get("local.retention.ms").synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
            .containsExactly("local.retention.ms", "log.local.retention.ms");

        LogConfig log = logConfig("kafka41");
        assertThat(log.maxCompactionLagMs()).isEqualTo(86_400_000L);
        assertThat(log.segmentJitterMs()).isEqualTo(60_000L);
        assertThat(log.compressionLevel()).isEqualTo(12);
        assertThat(log.timestampBeforeMaxMs()).isEqualTo(604_800_000L);
        assertThat(log.timestampAfterMaxMs()).isEqualTo(60_000L);

        get(admin.createTopics(List.of(new NewTopic("plain-defaults", 1, (short) 1))).all());
        Config defaults = describe(topic("plain-defaults"));
        ConfigEntry throttled = defaults.get("follower.replication.throttled.replicas");
        assertThat(throttled.value()).isEmpty();
        assertThat(throttled.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(throttled.synonyms()).isEmpty();
        assertThat(defaults.get("message.timestamp.after.max.ms").value()).isEqualTo("3600000");
        assertThat(defaults.get("compression.type").value()).isEqualTo("producer");
        assertThat(defaults.get("local.retention.bytes").value()).isEqualTo("-2");
    }

    @Test
    void remoteStorageIsRefusedAsOnAKafkaBrokerWithoutTieredStorage() throws Exception {
        assertFails(admin.createTopics(List.of(new NewTopic("tiered", 1, (short) 1)
            .configs(Map.of("remote.storage.enable", "true")))).all(), InvalidConfigurationException.class);
        get(admin.createTopics(List.of(new NewTopic("local-only", 1, (short) 1))).all());
        assertFails(admin.incrementalAlterConfigs(Map.of(topic("local-only"),
            List.of(op("remote.storage.enable", "true", AlterConfigOp.OpType.SET)))).all(), InvalidConfigurationException.class);
        assertFails(admin.incrementalAlterConfigs(Map.of(topic("local-only"),
            List.of(op("max.compaction.lag.ms", "0", AlterConfigOp.OpType.SET)))).all(), InvalidConfigurationException.class);
        assertThat(broker.server().broker().topics().overrides("local-only")).isEmpty();
    }

    @Test
    void describingAMissingTopicOrAnUnsupportedResourceFails() {
        assertFails(admin.describeConfigs(List.of(topic("missing"))).all(), UnknownTopicOrPartitionException.class);
        assertFails(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "0"))).all(),
            InvalidRequestException.class);
    }

    @Test
    void incrementalAlterSetsDeletesAppendsAndSubtracts() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("tuned", 1, (short) 1))).all());
        alter("tuned", op("retention.ms", "60000", AlterConfigOp.OpType.SET),
            op("segment.bytes", "16384", AlterConfigOp.OpType.SET),
            op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        Config config = describe(topic("tuned"));
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("segment.bytes").value()).isEqualTo("16384");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(logConfig("tuned").retentionMs()).isEqualTo(60_000);
        assertThat(logConfig("tuned").segmentBytes()).isEqualTo(16_384);
        assertThat(logConfig("tuned").compact()).isTrue();

        alter("tuned", op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT),
            op("retention.ms", null, AlterConfigOp.OpType.DELETE));
        config = describe(topic("tuned"));
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(logConfig("tuned").delete()).isFalse();
        assertThat(logConfig("tuned").retentionMs()).isEqualTo(604_800_000L);
    }

    @Test
    void badIncrementalChangesAreRefusedAndChangeNothing() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("strict", 1, (short) 1))).all());
        ConfigResource strict = topic("strict");
        assertFails(admin.incrementalAlterConfigs(Map.of(strict, List.of(op("retention.ms", "1", AlterConfigOp.OpType.APPEND)))).all(),
            InvalidConfigurationException.class);
        assertFails(admin.incrementalAlterConfigs(Map.of(strict, List.of(op("no.such.key", "1", AlterConfigOp.OpType.SET)))).all(),
            InvalidConfigurationException.class);
        // Both operations together or neither: the bad value stops the good one too.
        assertFails(admin.incrementalAlterConfigs(Map.of(strict, List.of(op("retention.ms", "5000", AlterConfigOp.OpType.SET),
            op("segment.bytes", "tiny", AlterConfigOp.OpType.SET)))).all(), InvalidConfigurationException.class);
        assertFails(admin.incrementalAlterConfigs(Map.of(topic("missing"), List.of(op("retention.ms", "1", AlterConfigOp.OpType.SET)))).all(),
            UnknownTopicOrPartitionException.class);
        get(admin.incrementalAlterConfigs(Map.of(strict, List.of(op("retention.ms", "5000", AlterConfigOp.OpType.SET))),
            new AlterConfigsOptions().validateOnly(true)).all());
        Config config = describe(strict);
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(broker.server().broker().topics().overrides("strict")).isEmpty();
    }

    @Test
    void changedConfigsSurviveARestartAndReachTheLog() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all());
        alter("kept", op("segment.bytes", "20000", AlterConfigOp.OpType.SET), op("max.message.bytes", "5000", AlterConfigOp.OpType.SET));
        admin.close();
        broker.restart();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        Config config = describe(topic("kept"));
        assertThat(config.get("segment.bytes").value()).isEqualTo("20000");
        assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("max.message.bytes").value()).isEqualTo("5000");
        assertThat(logConfig("kept").segmentBytes()).isEqualTo(20_000);
        assertThat(logConfig("kept").maxMessageBytes()).isEqualTo(5000);
    }

    @Test
    void aSmallerSegmentSizeMakesTheLogRollSegments() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("rolling", 1, (short) 1))).all());
        alter("rolling", op("segment.bytes", "1024", AlterConfigOp.OpType.SET));
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(), ProducerConfig.LINGER_MS_CONFIG, 0,
                // InitProducerId is not implemented yet.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("rolling", 0, "key-" + i, "x".repeat(300))).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(broker.server().broker().topics().partition(new PartitionId("rolling", 0)).orElseThrow().log().numberOfSegments())
            .isGreaterThan(3);
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeOverrideSet() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("replaced", 1, (short) 1)
            .configs(Map.of("retention.ms", "1000", "segment.bytes", "20000")))).all());
        AlterConfigsRequestData.AlterConfigsResourceCollection resources = new AlterConfigsRequestData.AlterConfigsResourceCollection();
        AlterConfigsRequestData.AlterableConfigCollection configs = new AlterConfigsRequestData.AlterableConfigCollection();
        configs.add(new AlterConfigsRequestData.AlterableConfig().setName("retention.bytes").setValue("123456"));
        resources.add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
            .setResourceName("replaced").setConfigs(configs));
        AlterConfigsRequestData.AlterConfigsResourceCollection unknown = new AlterConfigsRequestData.AlterConfigsResourceCollection();
        AlterConfigsRequestData.AlterableConfigCollection badConfigs = new AlterConfigsRequestData.AlterableConfigCollection();
        badConfigs.add(new AlterConfigsRequestData.AlterableConfig().setName("no.such.key").setValue("1"));
        unknown.add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
            .setResourceName("replaced").setConfigs(badConfigs));

        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            for (short version = 0; version <= 2; version++) {
                AlterConfigsResponse ok = raw.send(new AlterConfigsRequest(new AlterConfigsRequestData().setResources(resources), version));
                assertThat(ok.data().responses()).singleElement()
                    .satisfies(r -> assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
            }
            AlterConfigsResponse bad = raw.send(new AlterConfigsRequest(new AlterConfigsRequestData().setResources(unknown), (short) 2));
            assertThat(bad.data().responses().get(0).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        }
        assertThat(broker.server().broker().topics().overrides("replaced")).isEqualTo(Map.of("retention.bytes", "123456"));
        Config config = describe(topic("replaced"));
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("retention.bytes").value()).isEqualTo("123456");
        assertThat(logConfig("replaced").segmentBytes()).isEqualTo(1_048_576);
        assertThat(logConfig("replaced").retentionBytes()).isEqualTo(123_456);
    }

    @Test
    void theBrokerResourceShowsTheBrokerConfigurationAsReadOnly() throws Exception {
        ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, "0");
        Config config = describe(self);
        Map<String, ConfigEntry> entries = config.entries().stream().collect(Collectors.toMap(ConfigEntry::name, e -> e));
        assertThat(entries).containsKeys("broker.id", "num.partitions", "default.replication.factor", "log.retention.ms",
            "log.segment.bytes", "min.insync.replicas", "message.max.bytes", "log.dirs", "auto.create.topics.enable");
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.isReadOnly()).isTrue());
        assertThat(entries.get("log.segment.bytes").value()).isEqualTo("1048576");
        assertThat(entries.get("log.segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(entries.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(entries.get("log.dirs").value())
            .isEqualTo(broker.dir().resolve("logs").toAbsolutePath().normalize().toString());

        Collection<ConfigEntry> clusterDefaults = describe(new ConfigResource(ConfigResource.Type.BROKER, "")).entries();
        assertThat(clusterDefaults).isEmpty();

        assertFails(admin.incrementalAlterConfigs(Map.of(self,
            List.of(op("log.retention.ms", "1000", AlterConfigOp.OpType.SET)))).all(), InvalidConfigurationException.class);
    }
}
