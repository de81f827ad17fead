package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long polling as a consumer sees it: a fetch with nothing to read waits {@code fetch.max.wait.ms} on the
 * broker before answering, and a waiting fetch answers as soon as an append gives it
 * {@code fetch.min.bytes}.
 */
class FetchLongPollTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static double fetchMetric(KafkaConsumer<?, ?> consumer, String name) {
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().group().equals("consumer-fetch-manager-metrics") && e.getKey().name().equals(name)
                && e.getKey().tags().size() == 1) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("No consumer metric " + name);
    }

    /**
     * The consumer's next fetch is parked on the broker; closing sends a session-closing fetch behind it on
     * the same connection and would wait up to max wait for both (as against Kafka).
     */
    private static void closeWithoutWaiting(KafkaConsumer<?, ?> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ofMillis(200)));
    }

    private static void assignFromBeginning(KafkaConsumer<?, ?> consumer, TopicPartition tp) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    @Test
    void anEmptyFetchIsAnsweredAfterMaxWait() {
        int maxWaitMs = 1000;
        TopicPartition tp = new TopicPartition(createTopic(broker.get(), "long-poll-empty", 1, Map.of()), 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "fetch.max.wait.ms", maxWaitMs)) {
            assignFromBeginning(consumer, tp);
            long deadline = System.nanoTime() + Duration.ofMillis(4 * maxWaitMs + 700).toNanos();
            while (System.nanoTime() < deadline) assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();

            // Each fetch the consumer completed was held by the broker for the whole max wait, and not much more.
            assertThat(fetchMetric(consumer, "fetch-total")).isGreaterThanOrEqualTo(3);
            assertThat(fetchMetric(consumer, "fetch-latency-avg")).isGreaterThanOrEqualTo(maxWaitMs);
            assertThat(fetchMetric(consumer, "fetch-latency-max")).isLessThan(maxWaitMs + 1000);
        }
    }

    @Test
    void aWaitingFetchWakesAsSoonAsARecordIsAppended() throws Exception {
        int maxWaitMs = 10_000;
        TopicPartition tp = new TopicPartition(createTopic(broker.get(), "long-poll-wake", 1, Map.of()), 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "fetch.max.wait.ms", maxWaitMs);
             KafkaProducer<String, String> producer = producer(broker.get())) {
            producer.partitionsFor(tp.topic()); // metadata now, so the send below is just the produce
            assignFromBeginning(consumer, tp);
            // The consumer's first fetch is now parked on the broker for up to 10 s.
            assertThat(consumer.poll(Duration.ofMillis(1000))).isEmpty();

            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(tp.topic(), "k", "wake up")).get();
            List<ConsumerRecord<String, String>> records = poll(consumer, 1, Duration.ofMillis(maxWaitMs));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(records).extracting(ConsumerRecord::value).containsExactly("wake up");
            assertThat(elapsedMs).as("ms from the append to the record's arrival").isLessThan(2_000);
            closeWithoutWaiting(consumer);
        }
    }

    @Test
    void aFetchWaitsForMinBytesAndAnswersWhenAppendsReachThem() throws Exception {
        int maxWaitMs = 8_000;
        TopicPartition tp = new TopicPartition(createTopic(broker.get(), "long-poll-min-bytes", 1, Map.of()), 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "fetch.max.wait.ms", maxWaitMs,
                 "fetch.min.bytes", 3000);
             KafkaProducer<String, String> producer = producer(broker.get(), "linger.ms", 200)) {
            producer.partitionsFor(tp.topic());
            assignFromBeginning(consumer, tp);
            long fetchStarted = System.nanoTime();
            assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();

            // Far less than fetch.min.bytes: the parked fetch keeps waiting.
            producer.send(new ProducerRecord<>(tp.topic(), "k", "small")).get();
            assertThat(consumer.poll(Duration.ofMillis(1500))).isEmpty();

            // One batch (one append) that passes min bytes; in several appends the fetch would answer at the
            // first that does, and the consumer's next fetch would wait again for the rest.
            long start = System.nanoTime();
            for (int i = 0; i < 4; i++) producer.send(new ProducerRecord<>(tp.topic(), "k", "big-" + i + "x".repeat(1000)));
            producer.flush();
            List<ConsumerRecord<String, String>> records = poll(consumer, 5, Duration.ofMillis(maxWaitMs));
            long sinceEnough = (System.nanoTime() - start) / 1_000_000;
            long sinceFetch = (System.nanoTime() - fetchStarted) / 1_000_000;

            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(records.get(0).value()).isEqualTo("small");
            assertThat(sinceEnough).as("ms from reaching min bytes to the records' arrival").isLessThan(2_000);
            assertThat(sinceFetch).as("ms since the fetch was parked").isLessThan(maxWaitMs);
            closeWithoutWaiting(consumer);
        }
    }
}
