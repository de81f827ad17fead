package io.wharf.broker.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.BrokerSettings;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.metadata.EmbeddedZooKeeper;
import io.wharf.broker.metadata.Endpoint;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.Isolation;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append of x-kafka exchanges on a real topic manager (embedded ZooKeeper, real logs). */
class TopicAppenderTest {
    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static LogManager logs;
    static ZkMetadataStore metadata;
    static TopicManager topics;
    static TopicAppender appender;

    @BeforeAll
    static void start() {
        zk = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        logs = new LogManager(List.of(dir.resolve("logs")), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        metadata = new ZkMetadataStore(zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(5));
        metadata.start();
        BrokerSettings settings = new BrokerSettings(0, 1, (short) 1, false, true, 1, LogConfig.defaults());
        // The topic manager places partitions on live brokers: register this one.
        metadata.registerBroker(new BrokerRegistration(0, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092)),
            Optional.empty()));
        topics = new TopicManager(settings, metadata, logs);
        topics.start();
        appender = new TopicAppender(topics, new PartitionLeaders(topics, settings), PropertiesCodec.NONE);
    }

    @AfterAll
    static void stop() {
        if (metadata != null) metadata.close();
        if (logs != null) logs.close();
        if (zk != null) zk.close();
    }

    private static Message message(String body) {
        return new Message("x", "k", new byte[0], body.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(),
            false, Message.NO_EXPIRATION, Message.NO_PRIORITY, Map::of);
    }

    private static List<Message> messages(int count, int bodyBytes) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(message("x".repeat(bodyBytes)));
        return out;
    }

    /** The record count of each batch in the partition's log, in order. */
    private static List<Integer> batches(Partition partition) throws Exception {
        ByteBuffer stored = partition.read(0, Integer.MAX_VALUE, Isolation.HIGH_WATERMARK, true).records().readFully();
        List<Integer> counts = new ArrayList<>();
        for (RecordBatch b : RecordBatchIterator.batches(stored)) counts.add(b.recordCount());
        return counts;
    }

    private static Partition create(String topic, Map<String, String> configs) {
        topics.createTopic(topic, 1, (short) 1, configs, false);
        return topics.partition(new PartitionId(topic, 0)).orElseThrow();
    }

    @Test
    void manyMessagesForOnePartitionAreOneBatchAndWakeWaitingReaders() throws Exception {
        Partition partition = create("one-batch", Map.of());
        AtomicInteger woken = new AtomicInteger();
        partition.addReadWaiter(woken::incrementAndGet);
        boolean[] appended = appender.append(partition.id(), messages(50, 100));
        assertThat(appended).hasSize(50).containsOnly(true);
        assertThat(batches(partition)).containsExactly(50);
        assertThat(partition.highWatermark()).isEqualTo(50);
        assertThat(partition.logEndOffset()).isEqualTo(50);
        assertThat(woken.get()).isEqualTo(1);
    }

    @Test
    void batchesAreCutUnderTheTopicsMaxMessageBytes() throws Exception {
        Partition partition = create("cut-batches", Map.of("max.message.bytes", "2000"));
        // Each record is a little over 500 bytes in a batch: three fit under 2000, four do not.
        boolean[] appended = appender.append(partition.id(), messages(10, 500));
        assertThat(appended).containsOnly(true);
        assertThat(batches(partition)).containsExactly(3, 3, 3, 1);
    }

    @Test
    void aRecordTooLargeFailsAloneAndItsNeighboursAreAppended() throws Exception {
        Partition partition = create("one-too-large", Map.of("max.message.bytes", "1024"));
        List<Message> burst = List.of(message("a"), message("b"), message("x".repeat(3000)), message("c"));
        assertThat(appender.append(partition.id(), burst)).containsExactly(true, true, false, true);
        assertThat(partition.logEndOffset()).isEqualTo(3);
    }

    @Test
    void aMissingTopicHasNoPartitionAndAppendsNothing() {
        assertThat(appender.exists("never-created")).isFalse();
        assertThat(appender.partitionFor("never-created", message("m"))).isEmpty();
        assertThat(appender.append("never-created", message("m"))).isFalse();
        assertThat(appender.append(new PartitionId("never-created", 0), List.of(message("m")))).containsExactly(false);
    }

    @Test
    void aBatchReportsEachTagInOrderWithItsOutcome() {
        Partition partition = create("tagged", Map.of("max.message.bytes", "1024"));
        TopicBatch<String> batch = appender.newBatch();
        batch.add("tagged", message("first"), "t1");
        batch.add("gone-topic", message("lost"), "t2");
        batch.add("tagged", message("x".repeat(3000)), "t3");
        batch.add("tagged", message("last"), "t4");
        List<String> outcomes = new ArrayList<>();
        batch.flush((tag, ok) -> outcomes.add(tag + "=" + ok));
        assertThat(outcomes).containsExactly("t2=false", "t1=true", "t3=false", "t4=true");
        assertThat(batch.isEmpty()).isTrue();
        assertThat(partition.logEndOffset()).isEqualTo(2);
    }
}
