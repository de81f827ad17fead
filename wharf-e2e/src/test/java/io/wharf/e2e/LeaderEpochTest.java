package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.topic.PartitionId;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader stamps its epoch on every batch it appends (0 while no elections exist; producers send -1), so
 * the Java consumer sees the epoch on records, commits it with its offsets, and the OffsetForLeaderEpoch
 * check it runs on a position that carries an epoch finds the position intact.
 */
class LeaderEpochTest {
    private static final String TOPIC = "epochs";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @BeforeAll
    static void start() throws Exception {
        GroupTestSupport.createTopic(broker.get(), TOPIC, 1);
        GroupTestSupport.produce(broker.get(), TOPIC, 1, 10);
    }

    private static List<ConsumerRecord<String, String>> pollRecords(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        waitUntil(count + " records arrive", () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records.size() >= count;
        }, records::size);
        return records;
    }

    @Test
    void storedBatchesCarryTheLeaderEpoch() throws Exception {
        Log log = broker.server().broker().topics().partition(new PartitionId(TOPIC, 0)).orElseThrow().log();
        ByteBuffer all = log.read(0, 1 << 20, Isolation.LOG_END, true).records().readFully();
        List<RecordBatch> batches = new ArrayList<>();
        RecordBatchIterator.batches(all).forEach(batches::add);
        assertThat(batches).isNotEmpty().allSatisfy(b -> {
            assertThat(b.partitionLeaderEpoch()).isZero();
            assertThat(b.isChecksumValid()).isTrue();
        });
    }

    @Test
    void consumedRecordsAndTheOffsetsCommittedForThemCarryLeaderEpochZero() throws Exception {
        try (KafkaConsumer<String, String> consumer = GroupTestSupport.consumer(broker.get(), "epoch-committer")) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = pollRecords(consumer, 10);
            assertThat(records).extracting(ConsumerRecord::leaderEpoch).containsOnly(Optional.of(0));
            consumer.commitSync();
            OffsetAndMetadata committed = consumer.committed(Set.of(TP)).get(TP);
            assertThat(committed.offset()).isEqualTo(10);
            assertThat(committed.leaderEpoch()).isEqualTo(Optional.of(0));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            OffsetAndMetadata stored = admin.listConsumerGroupOffsets("epoch-committer").partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(TP);
            assertThat(stored.leaderEpoch()).isEqualTo(Optional.of(0));
        }
    }

    /**
     * A new member resumes from the committed offset and its epoch: the consumer validates that position
     * with OffsetForLeaderEpoch, and the broker's answer (epoch 0 ends at the log end) keeps it.
     */
    @Test
    void aPositionWithLeaderEpochZeroIsValidatedAndKept() {
        try (KafkaConsumer<String, String> consumer = GroupTestSupport.consumer(broker.get(), "epoch-seeker")) {
            consumer.assign(List.of(TP));
            consumer.seek(TP, new OffsetAndMetadata(6, Optional.of(0), ""));
            List<ConsumerRecord<String, String>> records = pollRecords(consumer, 4);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(6L, 7L, 8L, 9L);
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(8, Optional.of(0), "")));
        }
        try (KafkaConsumer<String, String> resumed = GroupTestSupport.consumer(broker.get(), "epoch-seeker")) {
            resumed.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = pollRecords(resumed, 2);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(8L, 9L);
        }
    }
}
