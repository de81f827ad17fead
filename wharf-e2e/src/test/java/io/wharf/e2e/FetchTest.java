package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fetching as a consumer sees it: size limits that never stall a consumer, several partitions in one fetch,
 * READ_COMMITTED, and positions that fall out of the log being reset as {@code auto.offset.reset} says.
 */
class FetchTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static void produce(String topic, int partition, int count, int valueSize) throws Exception {
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            for (int i = 0; i < count; i++) {
                String value = "v" + i + "-" + "x".repeat(Math.max(0, valueSize));
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, value)).get();
            }
        }
    }

    @Test
    void recordsLargerThanEveryFetchLimitAreStillDelivered() throws Exception {
        String topic = createTopic(broker.get(), "larger-than-fetch", 1, Map.of());
        produce(topic, 0, 5, 20_000);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "fetch.max.bytes", 1024,
            "max.partition.fetch.bytes", 1024)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = poll(consumer, 5, TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(records).allMatch(r -> r.value().length() > 20_000);
        }
    }

    @Test
    void oneConsumerReadsManyPartitionsWithinTheResponseLimit() throws Exception {
        String topic = createTopic(broker.get(), "many-partitions", 4, Map.of());
        for (int p = 0; p < 4; p++) produce(topic, p, 30, 500);
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < 4; p++) all.add(new TopicPartition(topic, p));
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "fetch.max.bytes", 4096,
            "max.partition.fetch.bytes", 2048)) {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            List<ConsumerRecord<String, String>> records = poll(consumer, 120, TIMEOUT);
            assertThat(records).hasSize(120);
            for (int p = 0; p < 4; p++) {
                int partition = p;
                assertThat(records.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::offset).toList())
                    .as("offsets read from partition %d", p)
                    .containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
            }
        }
    }

    @Test
    void readCommittedConsumersReadEverythingWhileNoTransactionsExist() throws Exception {
        String topic = createTopic(broker.get(), "read-committed", 1, Map.of());
        produce(topic, 0, 10, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "isolation.level", "read_committed")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(poll(consumer, 10, TIMEOUT)).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 10L);
        }
    }

    /** Ten records, the first five deleted: positions 0-4 and 11+ are out of range. */
    private static TopicPartition logStartingAtFive(String topic) throws Exception {
        createTopic(broker.get(), topic, 1, Map.of());
        produce(topic, 0, 10, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5))).lowWatermarks().get(tp).get()
                .lowWatermark()).isEqualTo(5);
        }
        return tp;
    }

    @Test
    void aPositionBelowTheLogStartResetsToTheEarliestOffset() throws Exception {
        TopicPartition tp = logStartingAtFive("reset-earliest");
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "auto.offset.reset", "earliest")) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 2);
            assertThat(poll(consumer, 5, TIMEOUT)).extracting(ConsumerRecord::offset).containsExactly(5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void aPositionPastTheLogEndResetsToTheEarliestOffset() throws Exception {
        TopicPartition tp = logStartingAtFive("reset-past-end");
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "auto.offset.reset", "earliest")) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 100);
            assertThat(poll(consumer, 5, TIMEOUT)).extracting(ConsumerRecord::offset).containsExactly(5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void aPositionOutOfRangeResetsToTheLatestOffset() throws Exception {
        TopicPartition tp = logStartingAtFive("reset-latest");
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "auto.offset.reset", "latest")) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 2);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp) != 10 && System.nanoTime() < deadline) {
                assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
            }
            assertThat(consumer.position(tp)).isEqualTo(10);
            produce(tp.topic(), 0, 1, 0);
            assertThat(poll(consumer, 1, TIMEOUT)).extracting(ConsumerRecord::offset).containsExactly(10L);
        }
    }

    @Test
    void aPositionOutOfRangeFailsThePollWhenThereIsNoResetPolicy() throws Exception {
        TopicPartition tp = logStartingAtFive("reset-none");
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "auto.offset.reset", "none")) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 2);
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(200));
            }).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                e -> assertThat(e.offsetOutOfRangePartitions()).containsEntry(tp, 2L));
        }
    }
}
