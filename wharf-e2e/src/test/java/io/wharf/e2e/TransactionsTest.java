package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions with the real Java producer and consumer: committed records reach read_committed consumers,
 * aborted ones never do (read_uncommitted consumers see both), an open transaction holds read_committed
 * consumers at its first offset (the last stable offset), a new producer instance with the same
 * transactional.id fences the old one and aborts its transaction, offsets sent with the transaction are
 * committed with it, transactions past their timeout are aborted, and all of it survives a restart.
 */
class TransactionsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest(
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200",
        "group.initial.rebalance.delay.ms", "0");

    private KafkaProducer<String, String> transactionalProducer(String transactionalId, Object... overrides) {
        List<Object> settings = new ArrayList<>(List.of("transactional.id", transactionalId));
        settings.addAll(List.of(overrides));
        KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(), settings.toArray());
        producer.initTransactions();
        return producer;
    }

    private KafkaConsumer<String, String> consumer(String isolation) {
        return ProduceFetchSupport.consumer(broker.get(), "isolation.level", isolation);
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** Reads everything up to the consumer's end offsets (the LSO for read_committed), in order. */
    private static List<String> readToEnd(KafkaConsumer<String, String> consumer, TopicPartition tp) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (consumer.position(tp) < end) {
            assertThat(System.nanoTime()).as("read up to %d, at %d", end, consumer.position(tp)).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    @Test
    void committedRecordsAreVisibleAndAbortedOnesAreNotToReadCommittedConsumers() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "txn", 1, Map.of()), 0);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-visibility");
             KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get())) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", 0, "k", "committed-1"));
            producer.send(new ProducerRecord<>("txn", 0, "k", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", 0, "k", "aborted-1"));
            producer.send(new ProducerRecord<>("txn", 0, "k", "aborted-2"));
            producer.flush();
            plain.send(new ProducerRecord<>("txn", 0, "k", "plain")); // interleaved with the aborted ones
            plain.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", 0, "k", "committed-3"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed, tp)).containsExactly("committed-1", "committed-2", "plain", "committed-3");
        }
        try (KafkaConsumer<String, String> uncommitted = consumer("read_uncommitted")) {
            assertThat(readToEnd(uncommitted, tp))
                .containsExactly("committed-1", "committed-2", "aborted-1", "aborted-2", "plain", "committed-3");
        }
    }

    @Test
    void anOpenTransactionHoldsReadCommittedConsumersAtItsFirstOffset() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "lso", 1, Map.of()), 0);
        try (KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get());
             KafkaProducer<String, String> producer = transactionalProducer("tx-lso");
             KafkaConsumer<String, String> committed = consumer("read_committed");
             KafkaConsumer<String, String> uncommitted = consumer("read_uncommitted")) {
            plain.send(new ProducerRecord<>("lso", 0, null, "before")); // offset 0
            plain.flush();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("lso", 0, null, "in-txn")); // offset 1
            producer.flush();
            plain.send(new ProducerRecord<>("lso", 0, null, "after")); // offset 2, behind the open transaction
            plain.flush();

            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 1L);
            assertThat(uncommitted.endOffsets(List.of(tp))).containsEntry(tp, 3L);
            committed.assign(List.of(tp));
            assertThat(values(ProduceFetchSupport.poll(committed, 1, WAIT))).containsExactly("before");
            assertThat(committed.poll(Duration.ofMillis(300))).isEmpty();

            producer.commitTransaction(); // marker at offset 3
            assertThat(values(ProduceFetchSupport.poll(committed, 2, WAIT))).containsExactly("in-txn", "after");
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 4L);
        }
    }

    @Test
    void aNewInstanceWithTheSameTransactionalIdFencesTheOldOneAndAbortsItsTransaction() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "fence", 1, Map.of()), 0);
        try (KafkaProducer<String, String> old = transactionalProducer("tx-fence")) {
            old.beginTransaction();
            old.send(new ProducerRecord<>("fence", 0, null, "zombie"));
            old.flush();
            try (KafkaProducer<String, String> fresh = transactionalProducer("tx-fence")) {
                assertThatThrownBy(old::commitTransaction).isInstanceOf(ProducerFencedException.class);
                fresh.beginTransaction();
                fresh.send(new ProducerRecord<>("fence", 0, null, "fresh"));
                fresh.commitTransaction();
            }
        }
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed, tp)).containsExactly("fresh");
        }
    }

    @Test
    void offsetsSentWithATransactionAreCommittedOnlyWhenItCommits() throws Exception {
        ProduceFetchSupport.createTopic(broker.get(), "in", 1, Map.of());
        ProduceFetchSupport.createTopic(broker.get(), "out", 1, Map.of());
        TopicPartition in = new TopicPartition("in", 0);
        try (KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get())) {
            for (int i = 0; i < 10; i++) plain.send(new ProducerRecord<>("in", 0, null, "m" + i));
        }
        String group = "copier";
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-copier");
             KafkaConsumer<String, String> source = ProduceFetchSupport.consumer(broker.get(), "group.id", group,
                 "isolation.level", "read_committed");
             Admin admin = Admin.create(broker.clientProperties())) {
            source.subscribe(List.of("in"));
            List<ConsumerRecord<String, String>> batch = ProduceFetchSupport.poll(source, 10, WAIT);
            ConsumerGroupMetadata metadata = source.groupMetadata();

            // First attempt: copy the first 5 and abort.
            producer.beginTransaction();
            for (ConsumerRecord<String, String> r : batch.subList(0, 5)) {
                producer.send(new ProducerRecord<>("out", 0, null, r.value().toUpperCase()));
            }
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(5)), metadata);
            producer.abortTransaction();
            assertThat(committedOffset(admin, group, in)).isNull();

            // Second attempt: copy all 10 and commit.
            producer.beginTransaction();
            for (ConsumerRecord<String, String> r : batch) {
                producer.send(new ProducerRecord<>("out", 0, null, r.value().toUpperCase()));
            }
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(10)), metadata);
            producer.commitTransaction();
            assertThat(committedOffset(admin, group, in)).isEqualTo(10L);
        }
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) expected.add("M" + i);
            assertThat(readToEnd(committed, new TopicPartition("out", 0))).containsExactlyElementsOf(expected);
        }
        broker.restart();
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertThat(committedOffset(admin, group, in)).as("after a restart").isEqualTo(10L);
        }
    }

    private static Long committedOffset(Admin admin, String group, TopicPartition tp)
        throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group,
            new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? null : o.offset();
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedAndItsProducerFenced() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "slow", 1, Map.of()), 0);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-slow", "transaction.timeout.ms", "1000");
             KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get());
             KafkaConsumer<String, String> committed = consumer("read_committed")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("slow", 0, null, "too-late"));
            producer.flush();
            plain.send(new ProducerRecord<>("slow", 0, null, "plain"));
            plain.flush();
            committed.assign(List.of(tp));
            // The coordinator aborts it after about a second; then the LSO moves past it.
            assertThat(values(ProduceFetchSupport.poll(committed, 1, WAIT))).containsExactly("plain");
            assertThatThrownBy(producer::commitTransaction)
                .isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class, KafkaException.class);
        }
    }

    @Test
    void transactionsSurviveARestart() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "durable", 1, Map.of()), 0);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-durable")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("durable", 0, null, "kept"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("durable", 0, null, "dropped"));
            producer.abortTransaction();
        }
        broker.restart();
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed, tp)).containsExactly("kept");
        }
        // The coordinator remembers the id: a new instance gets the next epoch and can commit.
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-durable")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("durable", 0, null, "after-restart"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed, tp)).containsExactly("kept", "after-restart");
        }
    }

    @Test
    void aTransactionOpenAtRestartStillHoldsTheLastStableOffsetUntilItIsAborted() {
        TopicPartition tp = new TopicPartition(ProduceFetchSupport.createTopic(broker.get(), "open", 1, Map.of()), 0);
        KafkaProducer<String, String> producer = transactionalProducer("tx-open", "transaction.timeout.ms", "3000");
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("open", 0, null, "undecided"));
        producer.flush();
        producer.close(Duration.ZERO); // leaves the transaction open
        broker.restart();
        try (KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get());
             KafkaConsumer<String, String> committed = consumer("read_committed")) {
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 0L);
            plain.send(new ProducerRecord<>("open", 0, null, "plain"));
            plain.flush();
            committed.assign(List.of(tp));
            // Aborted by its timeout after the restart; then "plain" becomes readable and "undecided" never.
            assertThat(values(ProduceFetchSupport.poll(committed, 1, WAIT))).containsExactly("plain");
        }
    }
}
