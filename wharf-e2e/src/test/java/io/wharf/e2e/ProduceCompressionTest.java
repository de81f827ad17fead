package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every compression codec the producer offers round-trips through the broker untouched: batches are stored
 * as received and fetched back byte for byte, so keys, values, headers, timestamps, order and offsets all
 * survive, including null keys, null values and null header values.
 */
class ProduceCompressionTest {
    private static final int RECORDS = 500;

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static String key(int i) { return i % 7 == 0 ? null : "key-" + (i % 13); }

    /** Values of very different sizes, some repetitive (they compress) and some not; every 50th is null. */
    private static String value(int i) {
        if (i % 50 == 49) return null;
        StringBuilder b = new StringBuilder("value-").append(i).append('-');
        for (int j = 0; j < (i * 37) % 900; j++) b.append((char) ('a' + (i * j) % 26));
        return b.toString();
    }

    private static List<Header> headers(int i) {
        List<Header> headers = new ArrayList<>();
        if (i % 3 == 0) headers.add(new RecordHeader("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        if (i % 5 == 0) headers.add(new RecordHeader("null-valued", null));
        if (i % 3 == 0) headers.add(new RecordHeader("index", "again".getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    @ParameterizedTest(name = "compression.type={0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void recordsRoundTripWithEveryCompressionCodec(String codec) throws Exception {
        String topic = createTopic(broker.get(), "compressed-" + codec, 1, Map.of());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        // Lingering batches many records into each compressed batch.
        try (KafkaProducer<String, String> producer = producer(broker.get(), "compression.type", codec, "linger.ms", "50",
            "batch.size", "65536")) {
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, 1_000_000L + i, key(i), value(i),
                    new RecordHeaders(headers(i)))));
            }
            producer.flush();
        }
        for (int i = 0; i < RECORDS; i++) assertThat(sent.get(i).get().offset()).isEqualTo(i);

        List<ConsumerRecord<String, String>> records;
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            records = poll(consumer, RECORDS, Duration.ofSeconds(30));
        }
        assertThat(records).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            ConsumerRecord<String, String> r = records.get(i);
            assertThat(r.offset()).as("offset of record %d", i).isEqualTo(i);
            assertThat(r.key()).as("key of record %d", i).isEqualTo(key(i));
            assertThat(r.value()).as("value of record %d", i).isEqualTo(value(i));
            assertThat(r.timestamp()).as("timestamp of record %d", i).isEqualTo(1_000_000L + i);
            assertThat(List.of(r.headers().toArray())).as("headers of record %d", i).containsExactlyElementsOf(headers(i));
        }
    }
}
