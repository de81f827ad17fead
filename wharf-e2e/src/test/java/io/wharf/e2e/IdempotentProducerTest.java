package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
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
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotent producers: the Java producer's default (enable.idempotence=true, acks=all) works end to
 * end, and at the protocol level a retried batch is acknowledged with its original offset and stored
 * once, a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER and an old epoch INVALID_PRODUCER_EPOCH.
 */
class IdempotentProducerTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    @Test
    void theDefaultIdempotentProducerDeliversEveryRecordOnceInOrder() throws Exception {
        ProduceFetchSupport.createTopic(broker.get(), "idem", 3, Map.of());
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(),
            "enable.idempotence", "true", "acks", "all", "max.in.flight.requests.per.connection", "5")) {
            for (int i = 0; i < 3000; i++) sends.add(producer.send(new ProducerRecord<>("idem", i % 3, null, "v" + i)));
            producer.flush();
        }
        for (Future<RecordMetadata> f : sends) assertThat(f.get().hasOffset()).isTrue();
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(broker.get())) {
            List<TopicPartition> partitions = List.of(new TopicPartition("idem", 0), new TopicPartition("idem", 1),
                new TopicPartition("idem", 2));
            consumer.assign(partitions);
            List<ConsumerRecord<String, String>> records = ProduceFetchSupport.poll(consumer, 3000, Duration.ofSeconds(30));
            assertThat(records).hasSize(3000);
            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<String> values = records.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::value).toList();
                List<String> expected = new ArrayList<>();
                for (int i = partition; i < 3000; i += 3) expected.add("v" + i);
                assertThat(values).containsExactlyElementsOf(expected);
            }
            assertThat(consumer.endOffsets(partitions).values()).containsOnly(1000L);
        }
    }

    private static ProduceRequest produce(long producerId, short epoch, int firstSeq, int count) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE).producer(producerId, epoch, firstSeq);
        for (int i = 0; i < count; i++) b.append(System.currentTimeMillis(), null, ("s" + (firstSeq + i)).getBytes());
        ByteBuffer batch = b.build();
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("raw-idem");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
            .setRecords(MemoryRecords.readableRecords(batch)));
        data.topicData().add(topic);
        return new ProduceRequest.Builder((short) 9, (short) 9, data).build((short) 9);
    }

    private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse response) {
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    @Test
    void aRetriedBatchGetsItsOriginalOffsetAndGapsAndOldEpochsAreRefused() throws Exception {
        ProduceFetchSupport.createTopic(broker.get(), "raw-idem", 1, Map.of());
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            InitProducerIdResponse init = raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 4));
            assertThat(init.error()).isEqualTo(Errors.NONE);
            long pid = init.data().producerId();
            short epoch = init.data().producerEpoch();
            assertThat(pid).isNotNegative();

            var first = only(raw.send(produce(pid, epoch, 0, 5)));
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            var second = only(raw.send(produce(pid, epoch, 5, 5)));
            assertThat(second.baseOffset()).isEqualTo(5);

            var retry = only(raw.send(produce(pid, epoch, 0, 5)));
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset()).isEqualTo(first.baseOffset()).isZero();

            var gap = only(raw.send(produce(pid, epoch, 20, 1)));
            assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());

            var nextEpoch = only(raw.send(produce(pid, (short) (epoch + 1), 0, 1)));
            assertThat(nextEpoch.errorCode()).isEqualTo(Errors.NONE.code());
            var fenced = only(raw.send(produce(pid, epoch, 10, 1)));
            assertThat(fenced.errorCode()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH.code());
        }
        assertThat(broker.server().broker().topics().partition(new io.wharf.broker.topic.PartitionId("raw-idem", 0))
            .orElseThrow().logEndOffset()).isEqualTo(11);
    }

    @Test
    void producerIdsAreNeverReusedAcrossRestarts() throws Exception {
        long before;
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            before = ((InitProducerIdResponse) raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 4))).data().producerId();
        }
        broker.restart();
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            long after = ((InitProducerIdResponse) raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 4))).data().producerId();
            assertThat(after).isGreaterThan(before);
        }
    }
}
