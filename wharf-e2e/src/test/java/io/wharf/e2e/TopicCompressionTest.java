package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.topic.PartitionId;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A topic's {@code compression.type}: batches that arrive in another codec are stored in the topic's, and
 * consumers read back exactly what was produced; an idempotent producer's retries are still recognised.
 */
class TopicCompressionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static Log log(String topic) {
        return broker.server().broker().topics().partition(new PartitionId(topic, 0)).orElseThrow().log();
    }

    /** The batches partition 0 of {@code topic} holds, as stored. */
    private static List<RecordBatch> storedBatches(String topic) throws Exception {
        Log log = log(topic);
        ByteBuffer all = log.read(log.logStartOffset(), 64 << 20, Isolation.LOG_END, true).records().readFully();
        List<RecordBatch> batches = new ArrayList<>();
        RecordBatchIterator.batches(all).forEach(batches::add);
        return batches;
    }

    private static String key(int i) { return i % 7 == 0 ? null : "key-" + (i % 13); }

    private static String value(int i) { return i % 50 == 49 ? null : "value-" + i + "-" + "x".repeat(i % 300); }

    private static List<Header> headers(int i) {
        List<Header> headers = new ArrayList<>();
        if (i % 3 == 0) headers.add(new RecordHeader("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        if (i % 5 == 0) headers.add(new RecordHeader("null-valued", null));
        return headers;
    }

    /** Sends records {@code from} to {@code to} (exclusive) with the producer's {@code codec}, lingering into big batches. */
    private static void produce(String topic, String codec, int from, int to, long timestampBase) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(broker.get(), "compression.type", codec, "linger.ms", "50",
                "batch.size", "65536")) {
            for (int i = from; i < to; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, timestampBase + i, key(i), value(i),
                    new RecordHeaders(headers(i)))));
            }
            producer.flush();
        }
        for (int i = 0; i < sent.size(); i++) assertThat(sent.get(i).get().offset()).isEqualTo(from + i);
    }

    @Test
    void aGzipTopicStoresLz4AndUncompressedBatchesAsGzipAndConsumersReadThemBack() throws Exception {
        String topic = createTopic(broker.get(), "stored-as-gzip", 1, Map.of("compression.type", "gzip"));
        long base = System.currentTimeMillis() - 10_000;
        produce(topic, "lz4", 0, 300, base);
        produce(topic, "none", 300, 600, base);

        List<ConsumerRecord<String, String>> records;
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            records = poll(consumer, 600, TIMEOUT);
        }
        assertThat(records).hasSize(600);
        for (int i = 0; i < 600; i++) {
            ConsumerRecord<String, String> r = records.get(i);
            assertThat(r.offset()).as("offset of record %d", i).isEqualTo(i);
            assertThat(r.key()).as("key of record %d", i).isEqualTo(key(i));
            assertThat(r.value()).as("value of record %d", i).isEqualTo(value(i));
            assertThat(r.timestamp()).as("timestamp of record %d", i).isEqualTo(base + i);
            assertThat(List.of(r.headers().toArray())).as("headers of record %d", i).containsExactlyElementsOf(headers(i));
        }

        List<RecordBatch> stored = storedBatches(topic);
        assertThat(stored).hasSizeGreaterThanOrEqualTo(2)
            .allSatisfy(b -> {
                assertThat(b.compression()).isEqualTo(Compression.GZIP);
                assertThat(b.isChecksumValid()).isTrue();
            });
        // kafka-clients reads the stored bytes as gzip batches too.
        MemoryRecords.readableRecords(stored.get(0).slice()).batches().forEach(b -> {
            b.ensureValid();
            assertThat(b.compressionType()).isEqualTo(org.apache.kafka.common.record.internal.CompressionType.GZIP);
        });
    }

    @Test
    void aTopicCreatedWithAnAdminClientGetsItsCodecAndLevel() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("stored-as-zstd", 1, (short) 1)
                .configs(Map.of("compression.type", "zstd", "compression.zstd.level", "10")))).all().get(30, TimeUnit.SECONDS);
        }
        produce("stored-as-zstd", "snappy", 0, 100, System.currentTimeMillis());
        assertThat(log("stored-as-zstd").config().compressionLevel()).isEqualTo(10);
        assertThat(storedBatches("stored-as-zstd")).isNotEmpty()
            .allSatisfy(b -> assertThat(b.compression()).isEqualTo(Compression.ZSTD));
    }

    @Test
    void anIdempotentProducersRetryIsStillADuplicateAfterRecompression() throws Exception {
        String topic = createTopic(broker.get(), "recompressed-retries", 1, Map.of("compression.type", "gzip"));
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            InitProducerIdResponse init = raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 4));
            long pid = init.data().producerId();
            short epoch = init.data().producerEpoch();

            var first = only(raw.send(produce(topic, pid, epoch, 0, 5)));
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            var retry = only(raw.send(produce(topic, pid, epoch, 0, 5)));
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset()).isEqualTo(first.baseOffset()).isZero();
            var next = only(raw.send(produce(topic, pid, epoch, 5, 3)));
            assertThat(next.baseOffset()).isEqualTo(5);
            var gap = only(raw.send(produce(topic, pid, epoch, 20, 1)));
            assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
        }
        assertThat(log(topic).logEndOffset()).isEqualTo(8);
        assertThat(storedBatches(topic)).hasSize(2).allSatisfy(b -> {
            assertThat(b.compression()).isEqualTo(Compression.GZIP);
            assertThat(b.hasProducerId()).isTrue();
        });

        // The real idempotent producer, lz4 into the gzip topic: every record once, in order.
        String idem = createTopic(broker.get(), "recompressed-idempotent", 1, Map.of("compression.type", "gzip"));
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(broker.get(), "enable.idempotence", "true", "acks", "all",
                "compression.type", "lz4", "max.in.flight.requests.per.connection", "5", "linger.ms", "5")) {
            for (int i = 0; i < 2000; i++) sends.add(producer.send(new ProducerRecord<>(idem, 0, null, "v" + i)));
            producer.flush();
        }
        for (Future<RecordMetadata> f : sends) assertThat(f.get().hasOffset()).isTrue();
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            consumer.assign(List.of(new TopicPartition(idem, 0)));
            List<ConsumerRecord<String, String>> records = poll(consumer, 2000, TIMEOUT);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) expected.add("v" + i);
            assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        }
        assertThat(storedBatches(idem)).allSatisfy(b -> assertThat(b.compression()).isEqualTo(Compression.GZIP));
    }

    /** An lz4 batch of {@code count} records from sequence {@code firstSeq}, as an idempotent producer sends it. */
    private static ProduceRequest produce(String topic, long producerId, short epoch, int firstSeq, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, ("s" + (firstSeq + i)).getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords batch = MemoryRecords.withIdempotentRecords(
            org.apache.kafka.common.compress.Compression.lz4().build(), producerId, epoch, firstSeq, records);
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
        data.topicData().add(topicData);
        return new ProduceRequest.Builder((short) 9, (short) 9, data).build((short) 9);
    }

    private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse response) {
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }
}
