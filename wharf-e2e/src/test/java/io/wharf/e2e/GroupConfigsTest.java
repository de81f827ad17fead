package io.wharf.e2e;

import static io.wharf.e2e.ShareGroupTest.createTopic;
import static io.wharf.e2e.ShareGroupTest.pollUntil;
import static io.wharf.e2e.ShareGroupTest.produce;
import static io.wharf.e2e.ShareGroupTest.shareConsumer;
import static io.wharf.e2e.ShareGroupTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-group configs (Kafka's GROUP config resource) with Kafka's own {@code kafka-configs.sh} and the admin
 * client: a share group's {@code share.auto.offset.reset} and lock duration set for that group alone, a
 * share group reading committed records only, bad values refused with nothing changed, overrides kept
 * across a restart.
 */
class GroupConfigsTest {
    private static final String CONFIG_COMMAND = "org.apache.kafka.tools.ConfigCommand";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static ConfigResource group(String id) {
        return new ConfigResource(ConfigResource.Type.GROUP, id);
    }

    private static Config describe(WharfTestBroker target, String groupId) throws Exception {
        try (Admin admin = Admin.create(target.clientProperties())) {
            return admin.describeConfigs(List.of(group(groupId))).all().get().get(group(groupId));
        }
    }

    private static void alter(WharfTestBroker target, String groupId, AlterConfigOp... ops) throws Exception {
        try (Admin admin = Admin.create(target.clientProperties())) {
            admin.incrementalAlterConfigs(Map.of(group(groupId), List.of(ops))).all().get();
        }
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    @Test
    void kafkaConfigsSetsOneShareGroupsResetAndLockDuration() throws Exception {
        createTopic(broker.get(), "cfg-share", 1);
        produce(broker.get(), "cfg-share", 0, 3);
        KafkaTool.Result alter = KafkaTool.run(broker.dir(), CONFIG_COMMAND, null, "--bootstrap-server",
            broker.bootstrapServers(), "--alter", "--entity-type", "groups", "--entity-name", "g-early",
            "--add-config", "share.auto.offset.reset=earliest,share.record.lock.duration.ms=5000");
        assertThat(alter.exit()).as(alter.out()).isZero();
        KafkaTool.Result described = KafkaTool.run(broker.dir(), CONFIG_COMMAND, null, "--bootstrap-server",
            broker.bootstrapServers(), "--describe", "--entity-type", "groups", "--entity-name", "g-early");
        assertThat(described.exit()).as(described.out()).isZero();
        assertThat(described.out()).contains("share.auto.offset.reset=earliest", "share.record.lock.duration.ms=5000");

        Config config = describe(broker.get(), "g-early");
        assertThat(config.get("share.auto.offset.reset").value()).isEqualTo("earliest");
        assertThat(config.get("share.auto.offset.reset").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(config.get("share.delivery.count.limit").value()).isEqualTo("5");
        assertThat(config.get("share.delivery.count.limit").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        // The configured group reads from the start, with its own lock duration ...
        try (KafkaShareConsumer<String, String> early = shareConsumer(broker.get(), "g-early")) {
            early.subscribe(List.of("cfg-share"));
            assertThat(values(pollUntil(early, 3))).containsExactly("v0", "v1", "v2");
            assertThat(early.acquisitionLockTimeoutMs()).isEqualTo(Optional.of(5000));
        }
        // ... while another group starts at the log end, as the broker's default says.
        try (KafkaShareConsumer<String, String> late = shareConsumer(broker.get(), "g-late")) {
            late.subscribe(List.of("cfg-share"));
            TopicPartition p0 = new TopicPartition("cfg-share", 0);
            GroupTestSupport.waitUntil("g-late has a start offset", () -> {
                late.poll(Duration.ofMillis(100));
                try {
                    return ShareGroupTest.offsets(broker.get(), "g-late", "cfg-share").get(p0) != null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "no share state yet");
            produce(broker.get(), "cfg-share", 3, 1);
            assertThat(values(pollUntil(late, 1))).containsExactly("v3");
            assertThat(late.acquisitionLockTimeoutMs()).isEqualTo(Optional.of(30000));
        }
    }

    @Test
    void aShareGroupReadingCommittedRecordsNeverGetsAbortedOnesNorOpenOnes() throws Exception {
        createTopic(broker.get(), "cfg-txn", 1);
        alter(broker.get(), "g-committed", set("share.isolation.level", "read_committed"),
            set("share.auto.offset.reset", "earliest"));
        alter(broker.get(), "g-uncommitted", set("share.auto.offset.reset", "earliest"));
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cfg-txn-producer")) {
            producer.initTransactions();
            send(producer, true, "c0", "c1");
            send(producer, false, "a0", "a1");
            send(producer, true, "c2");
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("cfg-txn", 0, "k", "open")).get();
            try (KafkaShareConsumer<String, String> committed = shareConsumer(broker.get(), "g-committed");
                 KafkaShareConsumer<String, String> uncommitted = shareConsumer(broker.get(), "g-uncommitted")) {
                committed.subscribe(List.of("cfg-txn"));
                uncommitted.subscribe(List.of("cfg-txn"));
                assertThat(values(pollUntil(uncommitted, 6))).containsExactly("c0", "c1", "a0", "a1", "c2", "open");
                assertThat(values(pollUntil(committed, 3))).containsExactly("c0", "c1", "c2");
                // The open transaction is past the last stable offset: nothing until it commits.
                assertThat(committed.poll(Duration.ofSeconds(1)).count()).isZero();
                producer.commitTransaction();
                assertThat(values(pollUntil(committed, 1))).containsExactly("open");
            }
        }
    }

    private static void send(KafkaProducer<String, String> producer, boolean commit, String... values) throws Exception {
        producer.beginTransaction();
        for (String v : values) producer.send(new ProducerRecord<>("cfg-txn", 0, "k", v)).get();
        if (commit) producer.commitTransaction();
        else producer.abortTransaction();
    }

    @Test
    void badGroupConfigsAreRefusedAndChangeNothing() throws Exception {
        alter(broker.get(), "g-bad", set("consumer.session.timeout.ms", "20000"));
        for (AlterConfigOp bad : List.of(set("share.delivery.count.limit", "99"), set("streams.num.standby.replicas", "1"),
            set("share.isolation.level", "serializable"),
            set("share.auto.offset.reset", "by_duration:PT1H"), set("consumer.heartbeat.interval.ms", "30000"),
            set("share.session.timeout.ms", "ten"),
            new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.APPEND))) {
            assertThatThrownBy(() -> alter(broker.get(), "g-bad", bad)).as(bad.toString())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class);
        }
        Config config = describe(broker.get(), "g-bad");
        assertThat(config.get("consumer.session.timeout.ms").value()).isEqualTo("20000");
        assertThat(config.entries().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG)
            .map(ConfigEntry::name)).containsExactly("consumer.session.timeout.ms");
        alter(broker.get(), "g-bad", new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", ""),
            AlterConfigOp.OpType.DELETE));
        assertThat(describe(broker.get(), "g-bad").get("consumer.session.timeout.ms").value()).isEqualTo("45000");
    }

    @Test
    void overridesSurviveARestart(@TempDir Path own) throws Exception {
        try (WharfTestBroker restarting = WharfTestBroker.start(own)) {
            alter(restarting, "g/with slash", set("share.heartbeat.interval.ms", "2000"));
            restarting.restart();
            Config config = describe(restarting, "g/with slash");
            assertThat(config.get("share.heartbeat.interval.ms").value()).isEqualTo("2000");
            assertThat(config.get("share.heartbeat.interval.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        }
    }
}
