package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Kafka Streams word count with {@code processing.guarantee=exactly_once_v2}: every commit is a transaction
 * over the repartition topic, the count store's changelog, the output topic and the application's input
 * offsets. With the record cache off, each word read produces exactly one count update, so a read_committed
 * reader of the output must see, for every word, the updates 1, 2, ..., n once each and in order: a
 * duplicate or a lost update shows as a gap or a repeat. The application's committed offsets must reach
 * the input's end offsets, which happens only once the transaction that carries them commits.
 *
 * <p>Beyond the steady state: a restart on the same state directory (the transactional id is fenced and
 * reused), a stream thread that dies with a transaction open (aborted; its replacement restores the store
 * from the changelog and redoes the work), and input written in an aborted transaction (never counted).
 */
class KafkaStreamsExactlyOnceTest {
    private static final String INPUT = "eos-lines";
    private static final String OUTPUT = "eos-counts";
    private static final List<String> WORDS = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
        "hotel", "india", "juliett", "kilo", "lima");
    private static final Duration WAIT = Duration.ofSeconds(90);

    // Transactions left open by a dead stream thread are found and aborted quickly.
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest(
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");

    private Admin admin;
    /** A Streams thread's fatal error: the waits fail with it at once rather than time out. */
    private final AtomicReference<Throwable> streamsFailure = new AtomicReference<>();
    private final AtomicInteger replacedThreads = new AtomicInteger();

    @BeforeEach
    void start() {
        ProduceFetchSupport.createTopic(broker.get(), INPUT, 2, Map.of());
        ProduceFetchSupport.createTopic(broker.get(), OUTPUT, 2, Map.of());
        admin = GroupTestSupport.admin(broker.get());
    }

    @AfterEach
    void stop() {
        if (admin != null) admin.close();
    }

    // ---- the application --------------------------------------------------------------------------------

    /** Thrown by the application on purpose: its stream thread dies in the middle of a transaction. */
    private static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) { super(message); }
    }

    /** The word count; {@code afterCount} sees each count update before it is written to the output. */
    private static Topology wordCount(BiConsumer<String, Long> afterCount) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream(INPUT)
            .flatMapValues(line -> List.of(line.split(" ")))
            .groupBy((key, word) -> word)
            .count(Materialized.as("counts"))
            .toStream()
            .peek(afterCount::accept)
            .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    private KafkaStreams startStreams(String applicationId) {
        return startStreams(applicationId, (word, count) -> { });
    }

    /**
     * Starts the word count. A stream thread killed by an {@link InjectedFailure} is replaced; any other
     * failure stops the application and fails the test's waits.
     */
    private KafkaStreams startStreams(String applicationId, BiConsumer<String, Long> afterCount) {
        Properties props = broker.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.STATE_DIR_CONFIG, broker.dir().resolve("streams-state").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        // Streams members do not leave the group on close: a restarted instance's rebalance waits for the old
        // member's session to expire, so keep it at the broker's minimum.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "500");
        // A transaction left open by a dead thread is aborted after this timeout (Streams' default is 10 s).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "5000");
        KafkaStreams streams = new KafkaStreams(wordCount(afterCount), props);
        streams.setUncaughtExceptionHandler(e -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InjectedFailure) {
                    replacedThreads.incrementAndGet();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                }
            }
            streamsFailure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        return streams;
    }

    // ---- input ------------------------------------------------------------------------------------------

    /** {@code count} lines of one to four words, deterministic per {@code seed}. */
    private static List<String> lines(int seed, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = seed * 31 + i;
            List<String> words = new ArrayList<>();
            for (int k = 0; k <= n % 4; k++) words.add(WORDS.get((n * 7 + k * 5) % WORDS.size()));
            lines.add(String.join(" ", words));
        }
        return lines;
    }

    private static Map<String, Long> counts(List<String> lines) {
        return lines.stream().flatMap(l -> List.of(l.split(" ")).stream())
            .collect(Collectors.groupingBy(w -> w, Collectors.counting()));
    }

    /** Sends {@code lines} alternately to partitions 0 and 1 of the input and waits for the acks. */
    private void send(KafkaProducer<String, String> producer, List<String> lines) throws Exception {
        for (int i = 0; i < lines.size(); i++) producer.send(new ProducerRecord<>(INPUT, i % 2, null, lines.get(i)));
        producer.flush();
    }

    private void send(List<String> lines) throws Exception {
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get())) {
            send(producer, lines);
        }
    }

    // ---- checks -----------------------------------------------------------------------------------------

    private void waitFor(String what, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            Throwable failure = streamsFailure.get();
            if (failure != null) throw new AssertionError("Kafka Streams failed while waiting until " + what, failure);
            if (System.nanoTime() > deadline) fail("Timed out after " + WAIT + " waiting until " + what + "; last state: " + state.get());
            try {
                Thread.sleep(100); // polling interval of the wait, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted waiting until " + what);
            }
        }
    }

    private Map<TopicPartition, Long> inputEndOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = Map.of(new TopicPartition(INPUT, 0), OffsetSpec.latest(),
            new TopicPartition(INPUT, 1), OffsetSpec.latest());
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The application's committed offsets of the input partitions (not of its repartition topic). */
    private Map<TopicPartition, Long> committedInputOffsets(String applicationId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> input = new HashMap<>();
            all.forEach((tp, o) -> {
                if (tp.topic().equals(INPUT) && o != null) input.put(tp, o.offset());
            });
            return input;
        } catch (Exception e) {
            throw new AssertionError("ListConsumerGroupOffsets(" + applicationId + ") failed", e);
        }
    }

    /** Waits until the application has committed every input record; returns the input's end offsets. */
    private Map<TopicPartition, Long> awaitInputCommitted(String applicationId) throws Exception {
        Map<TopicPartition, Long> end = inputEndOffsets();
        waitFor("application " + applicationId + " committed the input up to " + end,
            () -> committedInputOffsets(applicationId).equals(end), () -> committedInputOffsets(applicationId));
        return end;
    }

    /**
     * Every count update in the output, per word in order, as a read_committed consumer reads it up to the
     * output's last stable offset once the final counts are there.
     */
    private Map<String, List<Long>> readCommittedUpdates(Map<String, Long> expectedFinal) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<TopicPartition> partitions = List.of(new TopicPartition(OUTPUT, 0), new TopicPartition(OUTPUT, 1));
        Map<String, List<Long>> updates = new LinkedHashMap<>();
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer())) {
            consumer.assign(partitions);
            waitFor("a read_committed consumer of " + OUTPUT + " read the final counts and reached the last stable offset",
                () -> {
                    for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                        updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                        latest.put(r.key(), r.value());
                    }
                    if (!latest.equals(expectedFinal)) return false;
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                }, () -> latest);
        }
        return updates;
    }

    /** Each word's updates are exactly 1..n: no update lost, none twice, none from uncommitted work. */
    private static void assertEachUpdateOnce(Map<String, List<Long>> updates, Map<String, Long> expected) {
        assertThat(updates.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((word, n) -> assertThat(updates.get(word)).as("the count updates of %s", word)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList()));
        long words = expected.values().stream().mapToLong(Long::longValue).sum();
        assertThat(updates.values().stream().mapToLong(u -> u.get(u.size() - 1)).sum()).isEqualTo(words);
        assertThat(updates.values().stream().mapToInt(List::size).sum()).isEqualTo((int) words);
    }

    // ---- tests ------------------------------------------------------------------------------------------

    @Test
    void wordCountWithExactlyOnceCountsEveryWordOnce() throws Exception {
        List<String> all = new ArrayList<>();
        try (KafkaStreams streams = startStreams("eos-wordcount");
             KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get())) {
            // Three rounds, each committed before the next is sent: several transactions, each with offsets.
            for (int round = 0; round < 3; round++) {
                List<String> lines = lines(round, 40);
                send(producer, lines);
                all.addAll(lines);
                Map<TopicPartition, Long> end = awaitInputCommitted("eos-wordcount");
                assertThat(end).isEqualTo(Map.of(new TopicPartition(INPUT, 0), 20L * (round + 1),
                    new TopicPartition(INPUT, 1), 20L * (round + 1)));
            }
            Map<String, Long> expected = counts(all);
            assertEachUpdateOnce(readCommittedUpdates(expected), expected);
            assertThat(committedInputOffsets("eos-wordcount")).isEqualTo(inputEndOffsets());
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        var topics = broker.server().broker().topics().topics().stream().map(t -> t.name()).toList();
        assertThat(topics).contains("eos-wordcount-counts-changelog", "__transaction_state")
            .anyMatch(n -> n.startsWith("eos-wordcount-") && n.endsWith("-repartition"));
    }

    @Test
    void aRestartedApplicationContinuesFromItsCommittedStateWithoutCountingAgain() throws Exception {
        List<String> before = lines(10, 30);
        List<String> after = lines(11, 30);
        try (KafkaStreams streams = startStreams("eos-restart")) {
            send(before);
            awaitInputCommitted("eos-restart");
            assertThat(streams.close(Duration.ofSeconds(30))).as("closed within 30 s").isTrue();
        }
        assertThat(streamsFailure.get()).isNull();

        // Same application id and state directory: same transactional id, which the restart fences and reuses.
        try (KafkaStreams streams = startStreams("eos-restart")) {
            send(after);
            Map<TopicPartition, Long> end = awaitInputCommitted("eos-restart");
            assertThat(end.values()).containsOnly(30L);
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            Map<String, Long> expected = counts(all);
            assertEachUpdateOnce(readCommittedUpdates(expected), expected);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void aStreamThreadThatDiesMidTransactionIsReplacedAndNothingIsCountedTwice() throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        List<String> first = lines(30, 40);
        List<String> second = new ArrayList<>(lines(31, 40));
        second.set(25, second.get(25) + " tripwire");
        try (KafkaStreams streams = startStreams("eos-replaced-thread", (word, count) -> {
                 if (word.equals("tripwire") && armed.compareAndSet(true, false)) {
                     throw new InjectedFailure("the stream thread dies with count updates of its transaction already sent");
                 }
             });
             KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get())) {
            send(producer, first);
            awaitInputCommitted("eos-replaced-thread");
            send(producer, second);

            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            Map<String, Long> expected = counts(all);
            // The dead thread's open transaction is aborted; its replacement redoes that work from the last commit.
            assertEachUpdateOnce(readCommittedUpdates(expected), expected);
            awaitInputCommitted("eos-replaced-thread");
            assertThat(armed).isFalse();
            assertThat(replacedThreads).hasValue(1);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void inputOfAnAbortedTransactionIsNeverCounted() throws Exception {
        List<String> first = lines(20, 20);
        List<String> aborted = List.of("ghost phantom", "phantom", "ghost alpha", "phantom bravo");
        List<String> second = lines(21, 20);
        try (KafkaStreams streams = startStreams("eos-aborted-input");
             KafkaProducer<String, String> writer = ProduceFetchSupport.producer(broker.get(), "transactional.id", "ghost-writer");
             KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get())) {
            writer.initTransactions();
            send(plain, first);
            writer.beginTransaction();
            send(writer, aborted);
            // Written while the transaction is open: above the last stable offset until it ends.
            send(plain, second);
            writer.abortTransaction();

            List<String> committed = new ArrayList<>(first);
            committed.addAll(second);
            Map<String, Long> expected = counts(committed);
            Map<String, List<Long>> updates = readCommittedUpdates(expected);
            assertThat(updates).doesNotContainKeys("ghost", "phantom");
            assertEachUpdateOnce(updates, expected);
            // Every input offset, the aborted records and the ABORT markers included, is consumed and committed.
            Map<TopicPartition, Long> end = awaitInputCommitted("eos-aborted-input");
            assertThat(end.values()).containsOnly((long) (10 + 2 + 1 + 10)).hasSize(2);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }
}
