package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fetch at the protocol level, where the Java consumer would hide the details: topics by name (v12) and by
 * id (v13+), per-partition errors, the KIP-74 size rules, the exact long-poll wait, and sessions declined.
 */
class FetchProtocolTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static Uuid topicId(String topic) {
        return Uuid.fromString(broker.server().broker().topics().topic(topic).orElseThrow().topicId());
    }

    /** Produces {@code count} records of {@code size} bytes each to {@code partition}, one batch each. */
    private static void produce(String topic, int partition, int count, int size) throws Exception {
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, partition, "k", "x".repeat(size))).get();
        }
    }

    private static FetchRequestData.FetchPartition partition(int index, long offset, int maxBytes) {
        return new FetchRequestData.FetchPartition().setPartition(index).setFetchOffset(offset)
            .setPartitionMaxBytes(maxBytes);
    }

    private static FetchRequestData request(int maxWaitMs, int minBytes, int maxBytes, FetchRequestData.FetchTopic... topics) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(minBytes).setMaxBytes(maxBytes)
            .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(topics));
    }

    private static FetchResponse fetch(FetchRequestData data, int version) throws Exception {
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.get())) {
            return connection.send(new FetchRequest(data, (short) version));
        }
    }

    private static FetchResponseData.PartitionData only(FetchResponse response) {
        assertThat(response.data().responses()).hasSize(1);
        assertThat(response.data().responses().get(0).partitions()).hasSize(1);
        return response.data().responses().get(0).partitions().get(0);
    }

    private static List<RecordBatch> batches(FetchResponseData.PartitionData data) {
        List<RecordBatch> batches = new ArrayList<>();
        ((MemoryRecords) data.records()).batches().forEach(batches::add);
        return batches;
    }

    @Test
    void topicsAreFetchedByNameUpToV12AndByIdFromV13() throws Exception {
        String topic = createTopic(broker.get(), "by-name-and-id", 1, Map.of());
        produce(topic, 0, 3, 10);
        FetchResponse byName = fetch(request(0, 1, 1 << 20, new FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(partition(0, 1, 1 << 20)))), 12);
        FetchResponse byId = fetch(request(0, 1, 1 << 20, new FetchRequestData.FetchTopic().setTopicId(topicId(topic))
            .setPartitions(List.of(partition(0, 1, 1 << 20)))), ApiKeys.FETCH.latestVersion());

        assertThat(byName.data().responses().get(0).topic()).isEqualTo(topic);
        assertThat(byId.data().responses().get(0).topicId()).isEqualTo(topicId(topic));
        for (FetchResponse response : List.of(byName, byId)) {
            assertThat(response.error()).isEqualTo(Errors.NONE);
            assertThat(response.sessionId()).isZero();
            FetchResponseData.PartitionData data = only(response);
            assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(data.highWatermark()).isEqualTo(3);
            assertThat(data.lastStableOffset()).isEqualTo(3);
            assertThat(data.logStartOffset()).isZero();
            assertThat(batches(data)).extracting(RecordBatch::baseOffset).containsExactly(1L, 2L);
        }
    }

    @Test
    void partitionsThatCannotBeReadGetTheirErrorAtOnce() throws Exception {
        String topic = createTopic(broker.get(), "errors", 1, Map.of());
        produce(topic, 0, 3, 10);
        long start = System.nanoTime();
        FetchResponse response = fetch(request(5_000, 1, 1 << 20,
            new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(partition(0, 50, 1024), partition(7, 0, 1024))),
            new FetchRequestData.FetchTopic().setTopic("no-such-topic").setPartitions(List.of(partition(0, 0, 1024)))), 12);
        FetchResponse unknownId = fetch(request(5_000, 1, 1 << 20, new FetchRequestData.FetchTopic()
            .setTopicId(Uuid.randomUuid()).setPartitions(List.of(partition(0, 0, 1024)))), 13);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        List<FetchResponseData.PartitionData> ours = response.data().responses().get(0).partitions();
        assertThat(ours.get(0).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(ours.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.data().responses().get(1).partitions().get(0).errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(only(unknownId).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        assertThat(elapsedMs).as("errors do not wait for max wait").isLessThan(4_000);
    }

    @Test
    void theFirstBatchIsWholeEvenAboveEveryLimitAndTheRestRespectsThem() throws Exception {
        String topic = createTopic(broker.get(), "kip-74", 2, Map.of());
        produce(topic, 0, 3, 5_000);
        produce(topic, 1, 1, 5_000);
        FetchResponse tiny = fetch(request(0, 1, 100, new FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(partition(0, 0, 100), partition(1, 0, 100)))), 12);
        List<FetchResponseData.PartitionData> parts = tiny.data().responses().get(0).partitions();
        // Partition 0: exactly its first batch, whole. Partition 1: nothing left of the response limit.
        assertThat(batches(parts.get(0))).hasSize(1).allMatch(b -> b.baseOffset() == 0 && b.sizeInBytes() > 5_000);
        assertThat(parts.get(0).records().sizeInBytes()).isEqualTo(batches(parts.get(0)).get(0).sizeInBytes());
        assertThat(parts.get(1).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(parts.get(1).records().sizeInBytes()).isZero();
        assertThat(parts.get(1).highWatermark()).isEqualTo(1);

        FetchResponse bounded = fetch(request(0, 1, 1 << 20, new FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(partition(0, 0, 12_000)))), 12);
        FetchResponseData.PartitionData data = only(bounded);
        assertThat(data.records().sizeInBytes()).isLessThanOrEqualTo(12_000);
        assertThat(batches(data)).extracting(RecordBatch::baseOffset).containsExactly(0L, 1L);
    }

    @Test
    void anEmptyFetchWaitsExactlyMaxWait() throws Exception {
        String topic = createTopic(broker.get(), "exact-wait", 1, Map.of());
        int maxWaitMs = 800;
        long start = System.nanoTime();
        FetchResponse response = fetch(request(maxWaitMs, 1, 1 << 20, new FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(partition(0, 0, 1024)))), 12);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(only(response).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(only(response).records().sizeInBytes()).isZero();
        assertThat(elapsedMs).isGreaterThanOrEqualTo(maxWaitMs).isLessThan(maxWaitMs + 1_000);
    }

    @Test
    void incrementalFetchesInASessionTheBrokerNeverCreatedAreRefused() throws Exception {
        String topic = createTopic(broker.get(), "sessions", 1, Map.of());
        FetchRequestData data = request(0, 1, 1 << 20, new FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(partition(0, 0, 1024)))).setSessionId(1234).setSessionEpoch(3);
        FetchResponse response = fetch(data, 12);
        assertThat(response.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(response.sessionId()).isZero();

        // A full fetch asking to open a session (epoch 0) is answered sessionless.
        FetchResponse full = fetch(data.setSessionId(0).setSessionEpoch(0), 12);
        assertThat(full.error()).isEqualTo(Errors.NONE);
        assertThat(full.sessionId()).isZero();
    }
}
