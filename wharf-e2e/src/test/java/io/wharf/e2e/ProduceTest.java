package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Producing with the real Java producer: where records land (explicit partition, key hash, spread of
 * keyless records), every acks mode, and the broker's refusals as the producer reports them.
 */
class ProduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static List<ConsumerRecord<String, String>> readAll(TopicPartition tp, int count) {
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            return poll(consumer, count, TIMEOUT);
        }
    }

    @Test
    void recordsSentToAnExplicitPartitionAreReadBackFromItInOrder() throws Exception {
        String topic = createTopic(broker.get(), "explicit-partition", 3, Map.of());
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            for (int i = 0; i < 10; i++) sent.add(producer.send(new ProducerRecord<>(topic, 2, "k" + i, "v" + i)).get());
        }
        assertThat(sent).extracting(RecordMetadata::partition).containsOnly(2);
        assertThat(sent).extracting(RecordMetadata::offset).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());

        List<ConsumerRecord<String, String>> records = readAll(new TopicPartition(topic, 2), 10);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6",
            "v7", "v8", "v9");
        assertThat(records).extracting(ConsumerRecord::key).startsWith("k0", "k1");
        assertThat(records).extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(List.of(new TopicPartition(topic, 0),
                new TopicPartition(topic, 1), new TopicPartition(topic, 2)));
            assertThat(ends).containsEntry(new TopicPartition(topic, 0), 0L).containsEntry(new TopicPartition(topic, 1), 0L)
                .containsEntry(new TopicPartition(topic, 2), 10L);
        }
    }

    @Test
    void aKeyAlwaysLandsOnThePartitionItsHashPicks() throws Exception {
        int partitions = 4;
        String topic = createTopic(broker.get(), "keyed", partitions, Map.of());
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        Map<String, Integer> countByKey = new HashMap<>();
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            for (int round = 0; round < 5; round++) {
                for (int k = 0; k < 8; k++) {
                    String key = "key-" + k;
                    RecordMetadata md = producer.send(new ProducerRecord<>(topic, key, key + "/" + round)).get();
                    partitionsByKey.computeIfAbsent(key, x -> new HashSet<>()).add(md.partition());
                    countByKey.merge(key, 1, Integer::sum);
                }
            }
        }
        partitionsByKey.forEach((key, used) -> {
            // The producer's default partitioner: murmur2 of the serialized key, modulo the partition count.
            int expected = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
            assertThat(used).as("partitions used by %s", key).containsExactly(expected);
        });
        // Each partition holds exactly the keys hashed to it, each key's records in send order.
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            List<String> keysHere = partitionsByKey.entrySet().stream()
                .filter(e -> e.getValue().contains(partition)).map(Map.Entry::getKey).toList();
            int expectedCount = keysHere.stream().mapToInt(countByKey::get).sum();
            if (expectedCount == 0) continue;
            List<ConsumerRecord<String, String>> records = readAll(new TopicPartition(topic, p), expectedCount);
            assertThat(records).hasSize(expectedCount);
            assertThat(records).extracting(ConsumerRecord::key).allMatch(keysHere::contains);
            for (String key : keysHere) {
                assertThat(records.stream().filter(r -> r.key().equals(key)).map(ConsumerRecord::value).toList())
                    .containsExactly(key + "/0", key + "/1", key + "/2", key + "/3", key + "/4");
            }
        }
    }

    @Test
    void recordsWithoutKeysAreSpreadOverAllPartitions() throws Exception {
        String topic = createTopic(broker.get(), "keyless", 3, Map.of());
        int total = 300;
        Map<Integer, Integer> perPartition = new HashMap<>();
        // A tiny batch.size makes the sticky partitioner move on after every batch.
        try (KafkaProducer<String, String> producer = producer(broker.get(), "batch.size", "64", "linger.ms", "0")) {
            for (int i = 0; i < total; i++) {
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, null, "value-" + i)).get();
                perPartition.merge(md.partition(), 1, Integer::sum);
            }
        }
        assertThat(perPartition.keySet()).containsExactlyInAnyOrder(0, 1, 2);
        int read = 0;
        for (int p = 0; p < 3; p++) {
            List<ConsumerRecord<String, String>> records = readAll(new TopicPartition(topic, p), perPartition.get(p));
            assertThat(records).allMatch(r -> r.key() == null && r.value().startsWith("value-"));
            read += records.size();
        }
        assertThat(read).isEqualTo(total);
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksModeStoresTheRecordsInOrder(String acks) throws Exception {
        String topic = createTopic(broker.get(), "acks-" + acks, 1, Map.of());
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(broker.get(), "acks", acks, "enable.idempotence", "false")) {
            for (int i = 0; i < 50; i++) sent.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get());
        }
        if (acks.equals("0")) {
            // No response, so the producer cannot know the offsets.
            assertThat(sent).extracting(RecordMetadata::offset).containsOnly(-1L);
        } else {
            assertThat(sent).extracting(RecordMetadata::offset).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        }
        List<ConsumerRecord<String, String>> records = readAll(new TopicPartition(topic, 0), 50);
        assertThat(records).extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        assertThat(records).extracting(ConsumerRecord::value).first().isEqualTo("v0");
        assertThat(records).extracting(ConsumerRecord::value).last().isEqualTo("v49");
    }

    @Test
    void acksAllIsRefusedWhileFewerReplicasThanMinInsyncAreInSync() throws Exception {
        String topic = createTopic(broker.get(), "min-isr-2", 1, Map.of("min.insync.replicas", "2"));
        try (KafkaProducer<String, String> producer = producer(broker.get(), "acks", "all", "retries", "0",
            "enable.idempotence", "false")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NotEnoughReplicasException.class);
        }
        // acks=1 does not need the ISR, and the refused record was never written.
        try (KafkaProducer<String, String> producer = producer(broker.get(), "acks", "1")) {
            assertThat(producer.send(new ProducerRecord<>(topic, "k", "accepted")).get().offset()).isZero();
        }
        assertThat(readAll(new TopicPartition(topic, 0), 1)).extracting(ConsumerRecord::value).containsExactly("accepted");
    }

    @Test
    void aRecordAboveMaxMessageBytesIsRefusedAndNothingIsStored() throws Exception {
        String topic = createTopic(broker.get(), "small-messages", 1, Map.of("max.message.bytes", "1024"));
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            String big = "x".repeat(4000); // far below the producer's own max.request.size: the broker refuses it
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "big", big)).get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("max.message.bytes");
            assertThat(producer.send(new ProducerRecord<>(topic, "small", "fits")).get().offset()).isZero();
        }
        assertThat(readAll(new TopicPartition(topic, 0), 1)).extracting(ConsumerRecord::value).containsExactly("fits");
    }

    @Test
    void logAppendTimeTopicsStampRecordsWithTheBrokersClock() throws Exception {
        String topic = createTopic(broker.get(), "append-time", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        long before = System.currentTimeMillis();
        RecordMetadata md;
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            md = producer.send(new ProducerRecord<>(topic, 0, 1_000L, "k", "v")).get();
        }
        long after = System.currentTimeMillis();
        assertThat(md.timestamp()).isBetween(before, after);
        ConsumerRecord<String, String> record = readAll(new TopicPartition(topic, 0), 1).get(0);
        assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(record.timestamp()).isEqualTo(md.timestamp());
    }

    @Test
    void createTimeTopicsKeepTheProducersTimestamp() throws Exception {
        String topic = createTopic(broker.get(), "create-time", 1, Map.of());
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, 123_456L, "k", "v")).get();
            assertThat(md.timestamp()).isEqualTo(123_456L);
        }
        ConsumerRecord<String, String> record = readAll(new TopicPartition(topic, 0), 1).get(0);
        assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(record.timestamp()).isEqualTo(123_456L);
    }
}
