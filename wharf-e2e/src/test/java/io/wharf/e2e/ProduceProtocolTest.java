package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Produce at the protocol level: the oldest version Kafka 4 accepts (v3, topics by name) and the newest
 * (topics by id), acks=0 answered with silence, and each refusal with its own error code while nothing of
 * the refused data is stored.
 */
class ProduceProtocolTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static Partition partition(String topic) {
        return broker.server().broker().topics().partition(new PartitionId(topic, 0)).orElseThrow();
    }

    private static Uuid topicId(String topic) {
        return Uuid.fromString(broker.server().broker().topics().topic(topic).orElseThrow().topicId());
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private static ProduceRequestData.TopicProduceData byName(String topic, int partition, MemoryRecords records) {
        return new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records)));
    }

    private static ProduceRequestData.TopicProduceData byId(Uuid id, MemoryRecords records) {
        return new ProduceRequestData.TopicProduceData().setTopicId(id).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
    }

    private static ProduceRequest request(int version, short acks, ProduceRequestData.TopicProduceData... topics) {
        ProduceRequestData.TopicProduceDataCollection collection = new ProduceRequestData.TopicProduceDataCollection();
        for (ProduceRequestData.TopicProduceData t : topics) collection.add(t);
        return new ProduceRequest(new ProduceRequestData().setAcks(acks).setTimeoutMs(5_000).setTopicData(collection),
            (short) version);
    }

    private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse response) {
        assertThat(response.data().responses()).hasSize(1);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    @Test
    void v3NamesTopicsAndTheLatestVersionUsesTopicIds() throws Exception {
        String topic = createTopic(broker.get(), "versions", 1, Map.of());
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            ProduceResponse v3 = connection.send(request(3, (short) 1, byName(topic, 0, records("a", "b"))));
            ProduceResponse latest = connection.send(request(ApiKeys.PRODUCE.latestVersion(), (short) -1,
                byId(topicId(topic), records("c"))));
            assertThat(only(v3).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(only(v3).baseOffset()).isZero();
            assertThat(only(latest).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(only(latest).baseOffset()).isEqualTo(2);
            assertThat(only(latest).logStartOffset()).isZero();
            assertThat(only(latest).logAppendTimeMs()).isEqualTo(-1);
            assertThat(latest.data().responses().iterator().next().topicId()).isEqualTo(topicId(topic));
        }
        assertThat(partition(topic).highWatermark()).isEqualTo(3);
    }

    @Test
    void unknownTopicsAndPartitionsAreRefusedPerPartition() throws Exception {
        String topic = createTopic(broker.get(), "known", 1, Map.of());
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            ProduceResponse byName = connection.send(request(12, (short) 1, byName("unknown-topic", 0, records("a")),
                byName(topic, 9, records("b"))));
            ProduceResponse byId = connection.send(request(13, (short) 1, byId(Uuid.randomUuid(), records("c"))));
            assertThat(byName.data().responses()).allSatisfy(t -> assertThat(t.partitionResponses().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
            assertThat(only(byId).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(only(byId).baseOffset()).isEqualTo(-1);
        }
        assertThat(partition(topic).logEndOffset()).isZero();
    }

    @Test
    void invalidBatchesAreRefusedWithTheirOwnErrorAndNothingIsStored() throws Exception {
        String topic = createTopic(broker.get(), "invalid", 1, Map.of());
        MemoryRecords corrupt = records("will be corrupted");
        ByteBuffer bytes = corrupt.buffer();
        bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0x5a)); // breaks the CRC

        ByteBuffer twoBatches = ByteBuffer.allocate(1024);
        twoBatches.put(records("one").buffer()).put(records("two").buffer()).flip();

        MemoryRecordsBuilder v1 = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V1,
            Compression.NONE, TimestampType.CREATE_TIME, 0L);
        v1.append(1L, null, "old format".getBytes(StandardCharsets.UTF_8));

        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            assertThat(only(connection.send(request(12, (short) 1, byName(topic, 0, corrupt)))).errorCode())
                .isEqualTo(Errors.CORRUPT_MESSAGE.code());
            assertThat(only(connection.send(request(12, (short) 1, byName(topic, 0, MemoryRecords.readableRecords(twoBatches)))))
                .errorCode()).isEqualTo(Errors.INVALID_RECORD.code());
            assertThat(only(connection.send(request(12, (short) 1, byName(topic, 0, v1.build())))).errorCode())
                .isEqualTo(Errors.INVALID_RECORD.code());
            assertThat(only(connection.send(request(12, (short) 2, byName(topic, 0, records("acks 2"))))).errorCode())
                .isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
        }
        assertThat(partition(topic).logEndOffset()).isZero();
    }

    @Test
    void acksZeroGetsNoResponseAndTheNextRequestIsAnsweredInTurn() throws Exception {
        String topic = createTopic(broker.get(), "acks-zero", 1, Map.of());
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            connection.sendWithoutResponse(request(12, (short) 0, byName(topic, 0, records("fire", "and", "forget"))));
            // Parsing checks the correlation id: this is the answer to this request, not to the ones above.
            ProduceResponse acked = connection.send(request(12, (short) 1, byName(topic, 0, records("acked"))));
            assertThat(only(acked).baseOffset()).isEqualTo(3);
        }
        assertThat(partition(topic).highWatermark()).isEqualTo(4);
    }
}
