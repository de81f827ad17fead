package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offsets as clients ask for them: the consumer's beginning, end and by-time lookups and the admin
 * client's ListOffsets specs (ListOffsets), DeleteRecords moving the beginning of a partition, and
 * OffsetForLeaderEpoch as a consumer validating its position would send it.
 */
class OffsetsTest {
    /** Not in time order on purpose: the largest timestamp is in the middle. */
    private static final long[] TIMESTAMPS = {1_000, 2_000, 5_000, 3_000, 4_000};
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    /** One record per timestamp of {@link #TIMESTAMPS}, in one batch or one batch each. */
    private static TopicPartition timestampedTopic(String name, boolean oneBatch) throws Exception {
        createTopic(broker.get(), name, 1, Map.of());
        try (KafkaProducer<String, String> producer = producer(broker.get(), "linger.ms", oneBatch ? "1000" : "0")) {
            for (int i = 0; i < TIMESTAMPS.length; i++) {
                var sent = producer.send(new ProducerRecord<>(name, 0, TIMESTAMPS[i], "k" + i, "v" + i));
                if (!oneBatch) sent.get();
            }
            producer.flush();
        }
        return new TopicPartition(name, 0);
    }

    private static TopicPartition topicWithRecords(String name, int count, Map<String, String> configs) throws Exception {
        createTopic(broker.get(), name, 1, configs);
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(name, 0, "k" + i, "v" + i)).get();
        }
        return new TopicPartition(name, 0);
    }

    @Test
    void beginningAndEndOffsetsFollowTheLog() throws Exception {
        createTopic(broker.get(), "begin-end", 1, Map.of());
        TopicPartition tp = new TopicPartition("begin-end", 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 0L);
            try (KafkaProducer<String, String> producer = producer(broker.get())) {
                for (int i = 0; i < 7; i++) producer.send(new ProducerRecord<>(tp.topic(), 0, "k", "v" + i)).get();
            }
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 7L);
        }
    }

    @ParameterizedTest(name = "one batch: {0}")
    @ValueSource(booleans = {true, false})
    void offsetsForTimesFindsTheFirstRecordAtOrAfterATime(boolean oneBatch) throws Exception {
        TopicPartition tp = timestampedTopic("by-time-" + oneBatch, oneBatch);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            Map<Long, OffsetAndTimestamp> found = new HashMap<>();
            for (long t : new long[] {0, 1_000, 1_500, 2_500, 5_000}) {
                found.put(t, consumer.offsetsForTimes(Map.of(tp, t)).get(tp));
            }
            assertThat(found.get(0L)).isEqualTo(new OffsetAndTimestamp(0, 1_000));
            assertThat(found.get(1_000L)).isEqualTo(new OffsetAndTimestamp(0, 1_000));
            assertThat(found.get(1_500L)).isEqualTo(new OffsetAndTimestamp(1, 2_000));
            // The first record in offset order stamped 2500 or later is 5000 at offset 2, not 3000 at offset 3.
            assertThat(found.get(2_500L)).isEqualTo(new OffsetAndTimestamp(2, 5_000));
            assertThat(found.get(5_000L)).isEqualTo(new OffsetAndTimestamp(2, 5_000));
            assertThat(consumer.offsetsForTimes(Map.of(tp, 5_001L)).get(tp)).isNull();
        }
    }

    @ParameterizedTest(name = "one batch: {0}")
    @ValueSource(booleans = {true, false})
    void adminListOffsetsAnswersEverySpec(boolean oneBatch) throws Exception {
        TopicPartition tp = timestampedTopic("specs-" + oneBatch, oneBatch);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            ListOffsetsResult.ListOffsetsResultInfo earliest = list(admin, tp, OffsetSpec.earliest());
            ListOffsetsResult.ListOffsetsResultInfo latest = list(admin, tp, OffsetSpec.latest());
            ListOffsetsResult.ListOffsetsResultInfo max = list(admin, tp, OffsetSpec.maxTimestamp());
            ListOffsetsResult.ListOffsetsResultInfo local = list(admin, tp, OffsetSpec.earliestLocal());
            ListOffsetsResult.ListOffsetsResultInfo byTime = list(admin, tp, OffsetSpec.forTimestamp(3_500));
            assertThat(earliest.offset()).isZero();
            assertThat(latest.offset()).isEqualTo(TIMESTAMPS.length);
            assertThat(max.offset()).isEqualTo(2);
            assertThat(max.timestamp()).isEqualTo(5_000);
            assertThat(local.offset()).isZero();
            assertThat(byTime.offset()).isEqualTo(2);
            assertThat(byTime.timestamp()).isEqualTo(5_000);
        }
    }

    private static ListOffsetsResult.ListOffsetsResultInfo list(Admin admin, TopicPartition tp, OffsetSpec spec)
        throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    @Test
    void deleteRecordsMovesTheBeginningOfThePartition() throws Exception {
        TopicPartition tp = topicWithRecords("delete-records", 10, Map.of());
        try (Admin admin = Admin.create(broker.clientProperties());
             KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).lowWatermarks().get(tp).get()
                .lowWatermark()).isEqualTo(6);
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 6L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 10L);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = poll(consumer, 4, TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(6L, 7L, 8L, 9L);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("v6", "v7", "v8", "v9");

            // Deleting below the current start changes nothing; -1 deletes up to the high watermark.
            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp).get()
                .lowWatermark()).isEqualTo(6);
            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(tp).get()
                .lowWatermark()).isEqualTo(10);
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 10L);
        }
    }

    @Test
    void deleteRecordsRefusesOffsetsPastTheEndAndCompactedTopics() throws Exception {
        TopicPartition tp = topicWithRecords("delete-too-far", 3, Map.of());
        TopicPartition compacted = topicWithRecords("delete-compacted", 3, Map.of("cleanup.policy", "compact"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks()
                .get(tp).get()).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(OffsetOutOfRangeException.class);
            assertThatThrownBy(() -> admin.deleteRecords(Map.of(compacted, RecordsToDelete.beforeOffset(1))).lowWatermarks()
                .get(compacted).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PolicyViolationException.class);
        }
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            assertThat(consumer.beginningOffsets(List.of(tp, compacted))).containsEntry(tp, 0L).containsEntry(compacted, 0L);
        }
    }

    @Test
    void offsetForLeaderEpochAnswersTheLogEndForTheCurrentEpoch() throws Exception {
        TopicPartition tp = topicWithRecords("leader-epoch", 4, Map.of());
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
            new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic()).setPartitions(List.of(
            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0),
            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(1).setLeaderEpoch(0))));
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("no-such-topic").setPartitions(List.of(
            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0))));
        OffsetsForLeaderEpochResponse response;
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            response = connection.send(OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build());
        }
        List<OffsetForLeaderEpochResponseData.EpochEndOffset> ours = response.data().topics().find(tp.topic()).partitions();
        assertThat(ours.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(ours.get(0).leaderEpoch()).isZero();
        assertThat(ours.get(0).endOffset()).isEqualTo(4);
        assertThat(ours.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.data().topics().find("no-such-topic").partitions().get(0).errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
}
