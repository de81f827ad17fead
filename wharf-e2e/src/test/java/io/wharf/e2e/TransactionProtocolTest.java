package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction coordinator request by request, with kafka-clients' own request classes over a socket, held
 * to the error codes Apache Kafka's coordinator (transaction protocol version 1) gives for each misstep: the
 * producer id and epoch of a transactional id, fencing by a new epoch and by the transaction timeout,
 * partitions and offsets added to a transaction, EndTxn in every state, transactional records refused outside
 * their transaction, what read_committed readers see of committed and aborted transactions, and an open
 * transaction kept across a broker restart.
 *
 * <p>Where Kafka answers according to the request version (KIP-890's TRANSACTION_ABORTABLE reaches only
 * clients from Produce v11 and TxnOffsetCommit v4; older ones get INVALID_TXN_STATE), each version is tested
 * for its own answer. Every test uses transactional ids and topics of its own on the shared broker.
 */
class TransactionProtocolTest {
    private static final int MAX_TIMEOUT_MS = 60_000;
    private static final int TIMEOUT_MS = 30_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "transaction.max.timeout.ms", String.valueOf(MAX_TIMEOUT_MS),
        "transaction.state.log.num.partitions", "5", "offsets.topic.num.partitions", "5",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");

    // ---- requests ---------------------------------------------------------------------------------------

    /** The producer id and epoch InitProducerId gave a transactional id. */
    private record ProducerSession(long producerId, short epoch) {
    }

    private static int port() { return Integer.parseInt(broker.bootstrapServers().split(":")[1]); }

    private static Partition partition(String topic, int index) {
        return partition(broker.get(), topic, index);
    }

    private static Partition partition(WharfTestBroker b, String topic, int index) {
        return b.server().broker().topics().partition(new PartitionId(topic, index)).orElseThrow();
    }

    private static FindCoordinatorResponseData.Coordinator findCoordinator(RawKafkaConnection c,
                                                                           FindCoordinatorRequest.CoordinatorType type,
                                                                           String key) throws Exception {
        FindCoordinatorResponse response = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setKeyType(type.id()).setCoordinatorKeys(List.of(key))).build((short) 4));
        assertThat(response.data().coordinators()).hasSize(1);
        return response.data().coordinators().get(0);
    }

    /**
     * FindCoordinator for {@code key} until it answers NONE, as a client does while the coordinator's topic is
     * created and loaded: only COORDINATOR_NOT_AVAILABLE and COORDINATOR_LOAD_IN_PROGRESS are worth a retry.
     */
    private static FindCoordinatorResponseData.Coordinator awaitCoordinator(RawKafkaConnection c,
                                                                            FindCoordinatorRequest.CoordinatorType type,
                                                                            String key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            FindCoordinatorResponseData.Coordinator found = findCoordinator(c, type, key);
            Errors error = Errors.forCode(found.errorCode());
            if (error == Errors.NONE) return found;
            assertThat(error).as("FindCoordinator(%s, %s) while the coordinator starts", type, key)
                .isIn(Errors.COORDINATOR_NOT_AVAILABLE, Errors.COORDINATOR_LOAD_IN_PROGRESS);
            if (System.nanoTime() > deadline) fail("FindCoordinator(" + type + ", " + key + ") still " + error + " after " + WAIT);
            Thread.sleep(50); // the retry backoff of a client, not a synchronisation
        }
    }

    /** A connection on which transactional ids (and groups, if {@code groups}) are served. */
    private static RawKafkaConnection connect(boolean groups) throws Exception {
        return connect(broker.get(), groups);
    }

    private static RawKafkaConnection connect(WharfTestBroker b, boolean groups) throws Exception {
        RawKafkaConnection c = new RawKafkaConnection(b);
        awaitCoordinator(c, FindCoordinatorRequest.CoordinatorType.TRANSACTION, "any");
        if (groups) awaitCoordinator(c, FindCoordinatorRequest.CoordinatorType.GROUP, "any");
        return c;
    }

    private static InitProducerIdResponseData initProducerId(RawKafkaConnection c, String transactionalId, int timeoutMs)
        throws Exception {
        InitProducerIdRequestData data = new InitProducerIdRequestData().setTransactionalId(transactionalId)
            .setTransactionTimeoutMs(timeoutMs);
        InitProducerIdResponse response = c.send(transactionalId.isEmpty() ? unchecked(data, (short) 5)
            : new InitProducerIdRequest.Builder(data).build((short) 5));
        return response.data();
    }

    /**
     * The request as {@code data} says, without the builder's check: the Java client refuses to build an empty
     * transactional id, but other clients can send one.
     */
    private static InitProducerIdRequest unchecked(InitProducerIdRequestData data, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(data.size(cache, version));
        data.write(new ByteBufferAccessor(buffer), cache, version);
        buffer.flip();
        return InitProducerIdRequest.parse(new ByteBufferAccessor(buffer), version);
    }

    /**
     * InitProducerId until it is not CONCURRENT_TRANSACTIONS, as a client retries while the coordinator aborts
     * the previous epoch's open transaction (Kafka answers so until the abort is complete).
     */
    private static ProducerSession initRetrying(RawKafkaConnection c, String transactionalId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            InitProducerIdResponseData data = initProducerId(c, transactionalId, TIMEOUT_MS);
            Errors error = Errors.forCode(data.errorCode());
            if (error == Errors.NONE) return new ProducerSession(data.producerId(), data.producerEpoch());
            assertThat(error).as("InitProducerId(%s)", transactionalId).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
            if (System.nanoTime() > deadline) fail("InitProducerId(" + transactionalId + ") still " + error + " after " + WAIT);
            Thread.sleep(50); // the retry backoff of a client, not a synchronisation
        }
    }

    /** Waits until {@code tp}'s log holds {@code logEndOffset} offsets and no open transaction. */
    private static void awaitStable(WharfTestBroker b, TopicPartition tp, long logEndOffset) throws Exception {
        Partition p = partition(b, tp.topic(), tp.partition());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (p.logEndOffset() != logEndOffset || p.lastStableOffset() != logEndOffset) {
            if (System.nanoTime() > deadline) fail(tp + " not stable at " + logEndOffset + " after " + WAIT + ": log end offset "
                + p.logEndOffset() + ", last stable offset " + p.lastStableOffset());
            Thread.sleep(50); // polling interval of the wait, not a synchronisation
        }
    }

    private static ProducerSession init(RawKafkaConnection c, String transactionalId) throws Exception {
        InitProducerIdResponseData data = initProducerId(c, transactionalId, TIMEOUT_MS);
        assertThat(Errors.forCode(data.errorCode())).as("InitProducerId(%s)", transactionalId).isEqualTo(Errors.NONE);
        return new ProducerSession(data.producerId(), data.producerEpoch());
    }

    private static Map<TopicPartition, Errors> addPartitions(RawKafkaConnection c, int version, String transactionalId,
                                                             long producerId, short epoch, TopicPartition... partitions)
        throws Exception {
        AddPartitionsToTxnResponse response = c.send(AddPartitionsToTxnRequest.Builder.forClient(transactionalId,
            producerId, epoch, Arrays.asList(partitions)).build((short) version));
        return AddPartitionsToTxnResponse.errorsForTransaction(response.data().resultsByTopicV3AndBelow());
    }

    private static Map<TopicPartition, Errors> addPartitions(RawKafkaConnection c, String transactionalId,
                                                             ProducerSession s, TopicPartition... partitions) throws Exception {
        return addPartitions(c, 3, transactionalId, s.producerId(), s.epoch(), partitions);
    }

    private static Errors endTxn(RawKafkaConnection c, int version, String transactionalId, long producerId, short epoch,
                                 boolean commit) throws Exception {
        EndTxnResponse response = c.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(transactionalId)
            .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit), false).build((short) version));
        return response.error();
    }

    private static Errors endTxn(RawKafkaConnection c, String transactionalId, ProducerSession s, boolean commit)
        throws Exception {
        return endTxn(c, 4, transactionalId, s.producerId(), s.epoch(), commit);
    }

    private static Errors addOffsets(RawKafkaConnection c, String transactionalId, ProducerSession s, String group)
        throws Exception {
        AddOffsetsToTxnResponse response = c.send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
            .setTransactionalId(transactionalId).setProducerId(s.producerId()).setProducerEpoch(s.epoch())
            .setGroupId(group)).build((short) 4));
        return Errors.forCode(response.data().errorCode());
    }

    private static Map<TopicPartition, Errors> txnOffsetCommit(RawKafkaConnection c, int version, String transactionalId,
                                                               ProducerSession s, String group, TopicPartition partition,
                                                               long offset) throws Exception {
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId(transactionalId)
            .setGroupId(group).setProducerId(s.producerId()).setProducerEpoch(s.epoch()).setTopics(List.of(
                new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(partition.topic()).setPartitions(List.of(
                    new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(partition.partition())
                        .setCommittedOffset(offset).setCommittedMetadata("")))));
        TxnOffsetCommitResponse response = c.send(TxnOffsetCommitRequest.Builder.forTopicNames(data, false)
            .build((short) version));
        Map<TopicPartition, Errors> errors = new java.util.LinkedHashMap<>();
        for (var t : response.data().topics()) {
            for (var p : t.partitions()) errors.put(new TopicPartition(t.name(), p.partitionIndex()), Errors.forCode(p.errorCode()));
        }
        return errors;
    }

    /** The committed offset of one partition for {@code group}, as OffsetFetch v8 answers it. */
    private static OffsetFetchResponseData.OffsetFetchResponsePartitions fetchOffset(RawKafkaConnection c, String group,
                                                                                    TopicPartition partition,
                                                                                    boolean requireStable) throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData().setRequireStable(requireStable).setGroups(List.of(
            new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(partition.topic())
                    .setPartitionIndexes(List.of(partition.partition()))))));
        OffsetFetchResponse response = c.send(OffsetFetchRequest.Builder.forTopicNames(data, true).build((short) 8));
        OffsetFetchResponseData.OffsetFetchResponseGroup g = response.data().groups().get(0);
        assertThat(Errors.forCode(g.errorCode())).isEqualTo(Errors.NONE);
        return g.topics().get(0).partitions().get(0);
    }

    /** A batch of {@code values}; transactional when {@code producer} is given. */
    private static MemoryRecords batch(ProducerSession producer, int baseSequence, String... values) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE);
        if (producer != null) b.producer(producer.producerId(), producer.epoch(), baseSequence).transactional(true);
        for (String v : values) b.append(System.currentTimeMillis(), null, v.getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.readableRecords(b.build());
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection c, int version,
                                                                        String transactionalId, TopicPartition tp,
                                                                        MemoryRecords records) throws Exception {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(tp.topic()).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(records))));
        ProduceResponse response = c.send(new ProduceRequest(new ProduceRequestData().setTransactionalId(transactionalId)
            .setAcks((short) -1).setTimeoutMs(10_000).setTopicData(topics), (short) version));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    private static FetchResponseData.PartitionData fetchReadCommitted(RawKafkaConnection c, TopicPartition tp, long offset)
        throws Exception {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
            .setMaxBytes(1 << 20).setIsolationLevel((byte) 1).setSessionId(0).setSessionEpoch(-1)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(tp.topic()).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(tp.partition()).setFetchOffset(offset)
                    .setPartitionMaxBytes(1 << 20)))));
        FetchResponse response = c.send(new FetchRequest(data, (short) 12));
        return response.data().responses().get(0).partitions().get(0);
    }

    private static List<RecordBatch> batches(FetchResponseData.PartitionData data) {
        List<RecordBatch> batches = new ArrayList<>();
        ((MemoryRecords) data.records()).batches().forEach(batches::add);
        return batches;
    }

    /** Every value in {@code tp} a consumer with {@code isolation} reads up to its end offset. */
    private static List<String> consume(TopicPartition tp, String isolation) {
        return consume(broker.get(), tp, isolation);
    }

    private static List<String> consume(WharfTestBroker b, TopicPartition tp, String isolation) {
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(b, "isolation.level", isolation)) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) fail("A " + isolation + " consumer of " + tp + " stopped at "
                    + consumer.position(tp) + " before its end offset " + end + "; read " + values);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) values.add(r.value());
            }
            return values;
        }
    }

    private static long endOffset(TopicPartition tp, String isolation) {
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(broker.get(), "isolation.level", isolation)) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    // ---- tests ------------------------------------------------------------------------------------------

    @Test
    void findCoordinatorForATransactionalIdNamesThisBroker() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(broker.get())) {
            FindCoordinatorResponseData.Coordinator batched = awaitCoordinator(c,
                FindCoordinatorRequest.CoordinatorType.TRANSACTION, "find-me");
            assertThat(batched.key()).isEqualTo("find-me");
            assertThat(batched.nodeId()).isZero();
            assertThat(batched.host()).isEqualTo("127.0.0.1");
            assertThat(batched.port()).isEqualTo(port());

            FindCoordinatorResponse single = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKey("find-me").setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())).build((short) 3));
            assertThat(Errors.forCode(single.data().errorCode())).isEqualTo(Errors.NONE);
            assertThat(single.data().nodeId()).isZero();
            assertThat(single.data().host()).isEqualTo("127.0.0.1");
            assertThat(single.data().port()).isEqualTo(port());
        }
        var topic = broker.server().broker().topics().topic("__transaction_state").orElseThrow();
        assertThat(topic.partitionCount()).isEqualTo(5);
        assertThat(topic.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void initProducerIdStartsAtEpochZeroAndEachCallBumpsTheEpochOfTheSameProducerId() throws Exception {
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession first = init(c, "epochs");
            ProducerSession second = init(c, "epochs");
            ProducerSession third = init(c, "epochs");
            ProducerSession other = init(c, "epochs-other");

            assertThat(first.producerId()).isNotNegative();
            assertThat(first.epoch()).isEqualTo((short) 0);
            assertThat(second).isEqualTo(new ProducerSession(first.producerId(), (short) 1));
            assertThat(third).isEqualTo(new ProducerSession(first.producerId(), (short) 2));
            assertThat(other.producerId()).isNotEqualTo(first.producerId());
            assertThat(other.epoch()).isEqualTo((short) 0);
        }
    }

    @Test
    void initProducerIdRefusesATimeoutAboveTheMaximumAndAnEmptyTransactionalId() throws Exception {
        try (RawKafkaConnection c = connect(false)) {
            InitProducerIdResponseData tooLong = initProducerId(c, "too-long", 2 * MAX_TIMEOUT_MS);
            assertThat(Errors.forCode(tooLong.errorCode())).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
            assertThat(tooLong.producerId()).isEqualTo(-1);
            assertThat(tooLong.producerEpoch()).isEqualTo((short) -1);

            InitProducerIdResponseData empty = initProducerId(c, "", TIMEOUT_MS);
            assertThat(Errors.forCode(empty.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(empty.producerId()).isEqualTo(-1);

            // The refused request did not register the id: its first successful InitProducerId is still epoch 0.
            assertThat(init(c, "too-long").epoch()).isEqualTo((short) 0);
        }
    }

    @Test
    void addPartitionsToTxnRefusesUnknownIdsFencedEpochsAndUnknownTopics() throws Exception {
        String topic = createTopic(broker.get(), "add-partitions", 2, Map.of());
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (RawKafkaConnection c = connect(false)) {
            assertThat(addPartitions(c, 3, "never-initialised", 1234L, (short) 0, p0, p1))
                .isEqualTo(Map.of(p0, Errors.INVALID_PRODUCER_ID_MAPPING, p1, Errors.INVALID_PRODUCER_ID_MAPPING));

            ProducerSession old = init(c, "add-partitions-txn");
            ProducerSession current = init(c, "add-partitions-txn");
            assertThat(addPartitions(c, 3, "add-partitions-txn", old.producerId(), old.epoch(), p0))
                .isEqualTo(Map.of(p0, Errors.PRODUCER_FENCED));
            // Before v2 clients do not know PRODUCER_FENCED; Kafka tells them INVALID_PRODUCER_EPOCH.
            assertThat(addPartitions(c, 1, "add-partitions-txn", old.producerId(), old.epoch(), p0))
                .isEqualTo(Map.of(p0, Errors.INVALID_PRODUCER_EPOCH));
            assertThat(addPartitions(c, 3, "add-partitions-txn", current.producerId() + 1000, current.epoch(), p0))
                .isEqualTo(Map.of(p0, Errors.INVALID_PRODUCER_ID_MAPPING));

            TopicPartition unknownTopic = new TopicPartition("no-such-topic", 0);
            TopicPartition unknownPartition = new TopicPartition(topic, 7);
            assertThat(addPartitions(c, "add-partitions-txn", current, p0, unknownTopic, unknownPartition, p1))
                .isEqualTo(Map.of(p0, Errors.OPERATION_NOT_ATTEMPTED, p1, Errors.OPERATION_NOT_ATTEMPTED,
                    unknownTopic, Errors.UNKNOWN_TOPIC_OR_PARTITION, unknownPartition, Errors.UNKNOWN_TOPIC_OR_PARTITION));

            assertThat(addPartitions(c, "add-partitions-txn", current, p0, p1))
                .isEqualTo(Map.of(p0, Errors.NONE, p1, Errors.NONE));
            // Adding a partition already in the transaction again is harmless.
            assertThat(addPartitions(c, "add-partitions-txn", current, p1)).isEqualTo(Map.of(p1, Errors.NONE));
            assertThat(endTxn(c, "add-partitions-txn", current, false)).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void endTxnNeedsAnOngoingTransactionAndARetriedEndTxnGetsTheSameAnswer() throws Exception {
        String topic = createTopic(broker.get(), "end-txn", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "end-txn-txn");
            assertThat(endTxn(c, "end-txn-txn", s, true)).as("commit with no transaction").isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(endTxn(c, "end-txn-txn", s, false)).as("abort with no transaction").isEqualTo(Errors.INVALID_TXN_STATE);

            assertThat(addPartitions(c, "end-txn-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(endTxn(c, "end-txn-txn", s, true)).as("commit").isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "end-txn-txn", s, true)).as("the commit retried").isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "end-txn-txn", s, false)).as("abort after the commit").isEqualTo(Errors.INVALID_TXN_STATE);

            assertThat(addPartitions(c, "end-txn-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(endTxn(c, "end-txn-txn", s, false)).as("abort").isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "end-txn-txn", s, false)).as("the abort retried").isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "end-txn-txn", s, true)).as("commit after the abort").isEqualTo(Errors.INVALID_TXN_STATE);

            ProducerSession next = init(c, "end-txn-txn");
            assertThat(addPartitions(c, "end-txn-txn", next, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(endTxn(c, 4, "end-txn-txn", s.producerId(), s.epoch(), true)).as("commit by the fenced epoch")
                .isEqualTo(Errors.PRODUCER_FENCED);
            assertThat(endTxn(c, 1, "end-txn-txn", s.producerId(), s.epoch(), true)).as("the same at v1")
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(endTxn(c, "end-txn-txn", next, true)).as("commit by the current epoch").isEqualTo(Errors.NONE);
        }
    }

    @Test
    void transactionalRecordsAreAppendedOnlyToPartitionsOfTheTransactionAndReadAfterTheCommit() throws Exception {
        String topic = createTopic(broker.get(), "txn-produce", 1, Map.of());
        String other = createTopic(broker.get(), "txn-produce-other", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "produce-txn");
            // Produce v10 and older: Kafka's answer for a partition outside the transaction is INVALID_TXN_STATE.
            assertThat(Errors.forCode(produce(c, 10, "produce-txn", tp, batch(s, 0, "committed-record")).errorCode()))
                .as("no transaction yet").isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(addPartitions(c, "produce-txn", s, new TopicPartition(other, 0)))
                .isEqualTo(Map.of(new TopicPartition(other, 0), Errors.NONE));
            assertThat(Errors.forCode(produce(c, 10, "produce-txn", tp, batch(s, 0, "committed-record")).errorCode()))
                .as("a transaction without this partition").isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(partition(topic, 0).logEndOffset()).isZero();

            assertThat(addPartitions(c, "produce-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            ProduceResponseData.PartitionProduceResponse appended = produce(c, 10, "produce-txn", tp,
                batch(s, 0, "committed-record"));
            assertThat(Errors.forCode(appended.errorCode())).isEqualTo(Errors.NONE);
            assertThat(appended.baseOffset()).isZero();

            // Open: the record is below the high watermark but not below the last stable offset.
            assertThat(partition(topic, 0).logEndOffset()).isEqualTo(1);
            assertThat(partition(topic, 0).lastStableOffset()).isZero();
            FetchResponseData.PartitionData open = fetchReadCommitted(c, tp, 0);
            assertThat(Errors.forCode(open.errorCode())).isEqualTo(Errors.NONE);
            assertThat(open.highWatermark()).isEqualTo(1);
            assertThat(open.lastStableOffset()).isZero();
            assertThat(batches(open)).isEmpty();
            assertThat(endOffset(tp, "read_committed")).isZero();

            assertThat(endTxn(c, "produce-txn", s, true)).isEqualTo(Errors.NONE);
        }
        // The record and the COMMIT marker.
        assertThat(partition(topic, 0).logEndOffset()).isEqualTo(2);
        assertThat(partition(topic, 0).lastStableOffset()).isEqualTo(2);
        assertThat(endOffset(tp, "read_committed")).isEqualTo(2);
        assertThat(consume(tp, "read_committed")).containsExactly("committed-record");
    }

    @Test
    void transactionalRecordsInAProduceRequestWithoutATransactionalIdAreRefused() throws Exception {
        String topic = createTopic(broker.get(), "txn-no-id", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "no-id-txn");
            assertThat(addPartitions(c, "no-id-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            // Kafka checks the transactional id (its ACL) before anything else: without one the request is refused.
            assertThat(Errors.forCode(produce(c, 10, null, tp, batch(s, 0, "anonymous")).errorCode()))
                .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            assertThat(endTxn(c, "no-id-txn", s, false)).isEqualTo(Errors.NONE);
        }
        assertThat(consume(tp, "read_uncommitted")).isEmpty();
    }

    @Test
    void anAbortedTransactionIsListedInReadCommittedFetchesAndSkippedByReadCommittedConsumers() throws Exception {
        String topic = createTopic(broker.get(), "txn-abort", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "abort-txn");
            assertThat(addPartitions(c, "abort-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(Errors.forCode(produce(c, 10, "abort-txn", tp, batch(s, 0, "aborted-1", "aborted-2")).errorCode()))
                .isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "abort-txn", s, false)).isEqualTo(Errors.NONE);
            ProduceResponseData.PartitionProduceResponse plain = produce(c, 10, null, tp, batch(null, 0, "after-abort"));
            assertThat(Errors.forCode(plain.errorCode())).isEqualTo(Errors.NONE);
            assertThat(plain.baseOffset()).as("after two records and the ABORT marker").isEqualTo(3);

            FetchResponseData.PartitionData fetched = fetchReadCommitted(c, tp, 0);
            assertThat(Errors.forCode(fetched.errorCode())).isEqualTo(Errors.NONE);
            assertThat(fetched.highWatermark()).isEqualTo(4);
            assertThat(fetched.lastStableOffset()).isEqualTo(4);
            assertThat(fetched.abortedTransactions()).singleElement().satisfies(a -> {
                assertThat(a.producerId()).isEqualTo(s.producerId());
                assertThat(a.firstOffset()).isZero();
            });
            // The reader filters: the aborted batch, the marker and the plain batch all come back.
            assertThat(batches(fetched)).extracting(RecordBatch::baseOffset).containsExactly(0L, 2L, 3L);
            assertThat(batches(fetched)).extracting(RecordBatch::isControlBatch).containsExactly(false, true, false);

            // From past the aborted transaction nothing is listed.
            assertThat(fetchReadCommitted(c, tp, 3).abortedTransactions()).isNullOrEmpty();
        }
        assertThat(consume(tp, "read_committed")).containsExactly("after-abort");
        assertThat(consume(tp, "read_uncommitted")).containsExactly("aborted-1", "aborted-2", "after-abort");
    }

    @Test
    void txnOffsetCommitNeedsTheGroupsOffsetsPartitionInTheTransaction() throws Exception {
        String topic = createTopic(broker.get(), "txn-offsets", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(true)) {
            ProducerSession s = init(c, "offsets-txn");
            assertThat(addPartitions(c, "offsets-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(txnOffsetCommit(c, 3, "offsets-txn", s, "txn-group", tp, 42))
                .as("without AddOffsetsToTxn").isEqualTo(Map.of(tp, Errors.INVALID_TXN_STATE));

            assertThat(addOffsets(c, "offsets-txn", s, "txn-group")).isEqualTo(Errors.NONE);
            assertThat(txnOffsetCommit(c, 3, "offsets-txn", s, "txn-group", tp, 42)).isEqualTo(Map.of(tp, Errors.NONE));
            // Pending until the commit: a stable read is refused, a plain read sees no offset yet.
            OffsetFetchResponseData.OffsetFetchResponsePartitions pending = fetchOffset(c, "txn-group", tp, true);
            assertThat(Errors.forCode(pending.errorCode())).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);
            OffsetFetchResponseData.OffsetFetchResponsePartitions unstable = fetchOffset(c, "txn-group", tp, false);
            assertThat(Errors.forCode(unstable.errorCode())).isEqualTo(Errors.NONE);
            assertThat(unstable.committedOffset()).isEqualTo(-1);

            assertThat(endTxn(c, "offsets-txn", s, true)).isEqualTo(Errors.NONE);
            OffsetFetchResponseData.OffsetFetchResponsePartitions committed = fetchOffset(c, "txn-group", tp, true);
            assertThat(Errors.forCode(committed.errorCode())).isEqualTo(Errors.NONE);
            assertThat(committed.committedOffset()).isEqualTo(42);
        }
    }

    // Produce v11 and TxnOffsetCommit v4 are the versions the Java client sends with transaction protocol 1.
    // Kafka's verification (KIP-890) answers them TRANSACTION_ABORTABLE, on which the producer can abort and go
    // on; INVALID_TXN_STATE, the answer to older versions, is fatal to it.

    @Test
    void produceV11OutsideTheTransactionIsToldTheTransactionIsAbortable() throws Exception {
        String topic = createTopic(broker.get(), "txn-abortable", 1, Map.of());
        String other = createTopic(broker.get(), "txn-abortable-other", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "abortable-produce-txn");
            assertThat(addPartitions(c, "abortable-produce-txn", s, new TopicPartition(other, 0)))
                .isEqualTo(Map.of(new TopicPartition(other, 0), Errors.NONE));
            assertThat(Errors.forCode(produce(c, 11, "abortable-produce-txn", tp, batch(s, 0, "outside")).errorCode()))
                .isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(endTxn(c, "abortable-produce-txn", s, false)).isEqualTo(Errors.NONE);
        }
        assertThat(partition(topic, 0).logEndOffset()).isZero();
    }

    @Test
    void txnOffsetCommitV4WithoutAddOffsetsToTxnIsToldTheTransactionIsAbortable() throws Exception {
        String topic = createTopic(broker.get(), "txn-abortable-offsets", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(true)) {
            ProducerSession s = init(c, "abortable-offsets-txn");
            assertThat(addPartitions(c, "abortable-offsets-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(txnOffsetCommit(c, 4, "abortable-offsets-txn", s, "abortable-group", tp, 7))
                .isEqualTo(Map.of(tp, Errors.TRANSACTION_ABORTABLE));
            assertThat(endTxn(c, "abortable-offsets-txn", s, false)).isEqualTo(Errors.NONE);
            assertThat(fetchOffset(c, "abortable-group", tp, true).committedOffset()).isEqualTo(-1);
        }
    }

    @Test
    void reInitialisingFencesTheOldEpochAndAbortsItsOpenTransaction() throws Exception {
        String topic = createTopic(broker.get(), "txn-fence", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession old = init(c, "fence-txn");
            assertThat(addPartitions(c, "fence-txn", old, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(Errors.forCode(produce(c, 10, "fence-txn", tp, batch(old, 0, "fenced")).errorCode())).isEqualTo(Errors.NONE);

            ProducerSession next = initRetrying(c, "fence-txn");
            assertThat(next.producerId()).isEqualTo(old.producerId());
            assertThat(next.epoch()).isGreaterThan(old.epoch());
            awaitStable(broker.get(), tp, 2); // the record and the ABORT marker

            assertThat(endTxn(c, "fence-txn", old, true)).isEqualTo(Errors.PRODUCER_FENCED);
            assertThat(addPartitions(c, "fence-txn", old, tp)).isEqualTo(Map.of(tp, Errors.PRODUCER_FENCED));
            assertThat(Errors.forCode(produce(c, 10, "fence-txn", tp, batch(old, 1, "fenced again")).errorCode()))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        }
        assertThat(partition(topic, 0).logEndOffset()).isEqualTo(2);
        assertThat(consume(tp, "read_committed")).isEmpty();
        assertThat(consume(tp, "read_uncommitted")).containsExactly("fenced");
    }

    @Test
    void aTransactionOlderThanItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        String topic = createTopic(broker.get(), "txn-timeout", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            InitProducerIdResponseData data = initProducerId(c, "timeout-txn", 1_000);
            assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.NONE);
            ProducerSession s = new ProducerSession(data.producerId(), data.producerEpoch());
            assertThat(addPartitions(c, "timeout-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(Errors.forCode(produce(c, 10, "timeout-txn", tp, batch(s, 0, "too slow")).errorCode())).isEqualTo(Errors.NONE);

            // The coordinator aborts it (every 200 ms it looks for transactions older than their timeout).
            awaitStable(broker.get(), tp, 2);
            // Kafka fences the producer of a timed-out transaction with an epoch bump: its commit comes too late.
            assertThat(endTxn(c, "timeout-txn", s, true)).isEqualTo(Errors.PRODUCER_FENCED);
            assertThat(init(c, "timeout-txn")).isEqualTo(new ProducerSession(s.producerId(), (short) (s.epoch() + 2)));
        }
        assertThat(consume(tp, "read_committed")).isEmpty();
    }

    @Test
    void anOpenTransactionSurvivesABrokerRestartAndIsCommittedAfterIt(@TempDir Path own) throws Exception {
        try (WharfTestBroker b = WharfTestBroker.start(own, "transaction.state.log.num.partitions", "5")) {
            String topic = createTopic(b, "txn-durable", 1, Map.of());
            TopicPartition tp = new TopicPartition(topic, 0);
            ProducerSession s;
            try (RawKafkaConnection c = connect(b, false)) {
                s = init(c, "durable-txn");
                assertThat(addPartitions(c, "durable-txn", s, tp)).isEqualTo(Map.of(tp, Errors.NONE));
                assertThat(Errors.forCode(produce(c, 10, "durable-txn", tp, batch(s, 0, "durable")).errorCode()))
                    .isEqualTo(Errors.NONE);
            }
            b.restart();
            try (RawKafkaConnection c = connect(b, false)) {
                assertThat(partition(b, topic, 0).logEndOffset()).isEqualTo(1);
                assertThat(partition(b, topic, 0).lastStableOffset()).as("still open after the restart").isZero();
                assertThat(endTxn(c, "durable-txn", s, true)).isEqualTo(Errors.NONE);
                awaitStable(b, tp, 2);
                assertThat(init(c, "durable-txn")).isEqualTo(new ProducerSession(s.producerId(), (short) (s.epoch() + 1)));
            }
            assertThat(consume(b, tp, "read_committed")).containsExactly("durable");
        }
    }

    @Test
    void apiVersionsAdvertisesTransactionProtocolTwoAndTheApisOfBoth() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(broker.get())) {
            ApiVersionsResponse response = c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
            Map<ApiKeys, int[]> expected = Map.of(
                ApiKeys.INIT_PRODUCER_ID, new int[] {0, 5},
                ApiKeys.ADD_PARTITIONS_TO_TXN, new int[] {0, 3},
                ApiKeys.ADD_OFFSETS_TO_TXN, new int[] {0, 4},
                ApiKeys.END_TXN, new int[] {0, 5},
                ApiKeys.TXN_OFFSET_COMMIT, new int[] {0, 5});
            expected.forEach((key, range) -> {
                ApiVersionsResponseData.ApiVersion v = response.data().apiKeys().find(key.id);
                assertThat(v).as("%s advertised", key).isNotNull();
                assertThat(new int[] {v.minVersion(), v.maxVersion()}).as("%s versions", key).containsExactly(range);
            });
            // Transaction protocol 2 (KIP-890 part 2) is finalized, as on a Kafka 4 cluster; clients of protocol 1
            // keep the versions above it.
            ApiVersionsResponseData.FinalizedFeatureKey tv = response.data().finalizedFeatures().find("transaction.version");
            assertThat(tv).as("finalized transaction.version").isNotNull();
            assertThat(tv.maxVersionLevel()).isEqualTo((short) 2);
            assertThat(response.data().finalizedFeaturesEpoch()).isNotNegative();
            assertThat(response.data().supportedFeatures().find("transaction.version").maxVersion()).isEqualTo((short) 2);
        }
    }

    // ---- transaction protocol 2 (KIP-890 part 2) -------------------------------------------------------

    private static EndTxnResponseData endTxnV5(RawKafkaConnection c, String transactionalId, ProducerSession s,
                                               boolean commit) throws Exception {
        EndTxnResponse response = c.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(transactionalId)
            .setProducerId(s.producerId()).setProducerEpoch(s.epoch()).setCommitted(commit), true).build((short) 5));
        return response.data();
    }

    private static org.apache.kafka.clients.admin.TransactionDescription describe(String transactionalId) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(broker.clientProperties())) {
            return admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get();
        }
    }

    @Test
    void aV2WriteAddsItsPartitionAndEveryEndTxnBumpsTheEpochSoALateWriteIsFenced() throws Exception {
        String topic = createTopic(broker.get(), "tv2-implicit", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "tv2-txn");
            ProduceResponseData.PartitionProduceResponse first = produce(c, 12, "tv2-txn", tp, batch(s, 0, "one", "two"));
            assertThat(Errors.forCode(first.errorCode())).as("no AddPartitionsToTxn needed").isEqualTo(Errors.NONE);
            var ongoing = describe("tv2-txn");
            assertThat(ongoing.state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
            assertThat(ongoing.topicPartitions()).containsExactly(tp);

            EndTxnResponseData committed = endTxnV5(c, "tv2-txn", s, true);
            assertThat(Errors.forCode(committed.errorCode())).isEqualTo(Errors.NONE);
            assertThat(committed.producerId()).isEqualTo(s.producerId());
            assertThat(committed.producerEpoch()).as("bumped by the commit").isEqualTo((short) (s.epoch() + 1));
            EndTxnResponseData retried = endTxnV5(c, "tv2-txn", s, true);
            assertThat(Errors.forCode(retried.errorCode())).as("a retry of the lost answer").isEqualTo(Errors.NONE);
            assertThat(retried.producerEpoch()).isEqualTo(committed.producerEpoch());
            assertThat(Errors.forCode(endTxnV5(c, "tv2-txn", s, false).errorCode())).as("not what was decided")
                .isEqualTo(Errors.INVALID_TXN_STATE);
            awaitStable(broker.get(), tp, 3);

            // A write of the finished transaction arriving late cannot open a hanging transaction.
            ProduceResponseData.PartitionProduceResponse late = produce(c, 12, "tv2-txn", tp, batch(s, 2, "late"));
            assertThat(Errors.forCode(late.errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(partition(topic, 0).logEndOffset()).isEqualTo(3);
            assertThat(describe("tv2-txn").state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.COMPLETE_COMMIT);

            // The next transaction runs at the new epoch; its abort bumps it again.
            ProducerSession next = new ProducerSession(committed.producerId(), committed.producerEpoch());
            assertThat(Errors.forCode(produce(c, 12, "tv2-txn", tp, batch(next, 0, "aborted")).errorCode())).isEqualTo(Errors.NONE);
            EndTxnResponseData aborted = endTxnV5(c, "tv2-txn", next, false);
            assertThat(Errors.forCode(aborted.errorCode())).isEqualTo(Errors.NONE);
            assertThat(aborted.producerEpoch()).isEqualTo((short) (next.epoch() + 1));
            awaitStable(broker.get(), tp, 5);
            assertThat(consume(tp, "read_committed")).containsExactly("one", "two");
        }
    }

    @Test
    void aV2TxnOffsetCommitAddsTheGroupsOffsetsPartition() throws Exception {
        String topic = createTopic(broker.get(), "tv2-offsets", 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection c = connect(true)) {
            ProducerSession s = init(c, "tv2-offsets-txn");
            assertThat(txnOffsetCommit(c, 5, "tv2-offsets-txn", s, "tv2-group", tp, 11))
                .as("no AddOffsetsToTxn needed").isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(fetchOffset(c, "tv2-group", tp, false).committedOffset()).as("not before the commit").isEqualTo(-1);
            assertThat(Errors.forCode(endTxnV5(c, "tv2-offsets-txn", s, true).errorCode())).isEqualTo(Errors.NONE);
            assertThat(fetchOffset(c, "tv2-group", tp, true).committedOffset()).isEqualTo(11);
        }
    }

    @Test
    void aV2AbortWithNothingOngoingBumpsTheEpochAndAV1EndTxnDoesNot() throws Exception {
        try (RawKafkaConnection c = connect(false)) {
            ProducerSession s = init(c, "tv2-empty-abort");
            EndTxnResponseData aborted = endTxnV5(c, "tv2-empty-abort", s, false);
            assertThat(Errors.forCode(aborted.errorCode())).isEqualTo(Errors.NONE);
            assertThat(aborted.producerEpoch()).isEqualTo((short) (s.epoch() + 1));
            assertThat(Errors.forCode(endTxnV5(c, "tv2-empty-abort",
                new ProducerSession(s.producerId(), aborted.producerEpoch()), true).errorCode()))
                .as("nothing to commit").isEqualTo(Errors.INVALID_TXN_STATE);

            String topic = createTopic(broker.get(), "tv1-epoch", 1, Map.of());
            TopicPartition tp = new TopicPartition(topic, 0);
            ProducerSession v1 = init(c, "tv1-keeps-epoch");
            assertThat(addPartitions(c, "tv1-keeps-epoch", v1, tp)).isEqualTo(Map.of(tp, Errors.NONE));
            assertThat(Errors.forCode(produce(c, 11, "tv1-keeps-epoch", tp, batch(v1, 0, "v1")).errorCode())).isEqualTo(Errors.NONE);
            assertThat(endTxn(c, "tv1-keeps-epoch", v1, true)).isEqualTo(Errors.NONE);
            assertThat(describe("tv1-keeps-epoch").producerEpoch()).isEqualTo(v1.epoch());
        }
    }
}
