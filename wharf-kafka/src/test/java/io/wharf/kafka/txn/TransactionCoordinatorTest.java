package io.wharf.kafka.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.broker.txn.TransactionLog;
import io.wharf.broker.txn.TransactionMetadata;
import io.wharf.broker.txn.TransactionState;
import io.wharf.kafka.BrokerCore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction coordinator's state machine against a real broker core (embedded ZooKeeper, real logs,
 * the real {@code __transaction_state}), with an explicit clock: producer ids and epochs, fencing, markers
 * in the partitions, timeouts, expiry, and what a restart reloads and finishes.
 */
class TransactionCoordinatorTest {
    private static final TransactionConfig CONFIG = new TransactionConfig(3, (short) 1, 60_000, 3_600_000L, 1000L, 1000L);
    private static final PartitionId T0 = new PartitionId("t", 0);
    private static final PartitionId T1 = new PartitionId("t", 1);

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private BrokerCore core;
    private TransactionLog log;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        core = BrokerCore.start(dir);
        core.broker().topics().createTopic("t", 2, (short) 1, Map.of(), false);
        coordinator = loadedCoordinator();
    }

    private TransactionCoordinator loadedCoordinator() throws Exception {
        TopicManager topics = core.broker().topics();
        log = new TransactionLog(topics, CONFIG.stateLogNumPartitions(), CONFIG.stateLogReplicationFactor());
        OffsetStore offsets = new OffsetStore(topics, 3, (short) 1);
        TransactionCoordinator c = new TransactionCoordinator(log,
            new ProducerIdManager(core.broker().metadata(), 0), new TransactionMarkers(topics, offsets), CONFIG, clock::get);
        c.start().loaded().get(30, TimeUnit.SECONDS);
        assertThat(c.availability()).isEqualTo(Errors.NONE);
        return c;
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private long logEnd(PartitionId id) {
        return core.broker().topics().partition(id).orElseThrow().logEndOffset();
    }

    private TransactionMetadata describe(String id) {
        return coordinator.describe(id).orElseThrow();
    }

    @Test
    void aNewTransactionalIdGetsEpochZeroAndEachInitTheNextEpoch() {
        TransactionCoordinator.InitResult first = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.producerEpoch()).isZero();
        TransactionCoordinator.InitResult second = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.producerEpoch()).isEqualTo((short) 1);
        assertThat(coordinator.initProducerId("b", 10_000, -1, (short) -1).producerId()).isNotEqualTo(first.producerId());
    }

    @Test
    void badInitRequestsAreRefused() {
        assertThat(coordinator.initProducerId("a", 60_001, -1, (short) -1).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator.initProducerId("a", 0, -1, (short) -1).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator.initProducerId("", 1000, -1, (short) -1).error()).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void aRetriedInitWithThePreviousEpochGetsTheSameAnswerAndAStaleOneIsFenced() {
        TransactionCoordinator.InitResult first = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        TransactionCoordinator.InitResult bumped = coordinator.initProducerId("a", 10_000, first.producerId(), (short) 0);
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        TransactionCoordinator.InitResult retried = coordinator.initProducerId("a", 10_000, first.producerId(), (short) 0);
        assertThat(retried).isEqualTo(bumped);
        assertThat(coordinator.initProducerId("a", 10_000, first.producerId(), (short) 7).error())
            .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void addPartitionsChecksTheProducer() {
        assertThat(coordinator.addPartitions("unknown", 1, (short) 0, List.of(T0))).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        TransactionCoordinator.InitResult init = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        assertThat(coordinator.addPartitions("a", init.producerId() + 1, (short) 0, List.of(T0)))
            .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(coordinator.addPartitions("a", init.producerId(), (short) 1, List.of(T0))).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.addPartitions("a", init.producerId(), (short) 0, List.of(T0))).isEqualTo(Errors.NONE);
        assertThat(coordinator.addPartitions("a", init.producerId(), (short) 0, List.of(T1))).isEqualTo(Errors.NONE);
        assertThat(describe("a").state()).isEqualTo(TransactionState.ONGOING);
        assertThat(describe("a").partitions()).containsExactly(T0, T1);
        assertThat(coordinator.verify("a", init.producerId(), (short) 0, T1)).isEqualTo(Errors.NONE);
        assertThat(coordinator.verify("a", init.producerId(), (short) 0, new PartitionId("u", 0)))
            .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(coordinator.verify("a", init.producerId(), (short) 1, T0)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void endTransactionWritesAMarkerToEveryPartitionAndIsIdempotent() {
        TransactionCoordinator.InitResult init = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        long pid = init.producerId();
        assertThat(coordinator.endTransaction("a", pid, (short) 0, true)).isEqualTo(Errors.INVALID_TXN_STATE);
        coordinator.addPartitions("a", pid, (short) 0, List.of(T0, T1));
        assertThat(coordinator.endTransaction("a", pid, (short) 0, true)).isEqualTo(Errors.NONE);
        assertThat(logEnd(T0)).isEqualTo(1);
        assertThat(logEnd(T1)).isEqualTo(1);
        assertThat(describe("a").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(describe("a").partitions()).isEmpty();
        assertThat(coordinator.endTransaction("a", pid, (short) 0, true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTransaction("a", pid, (short) 0, false)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(logEnd(T0)).as("a retried EndTxn writes no second marker").isEqualTo(1);
        assertThat(coordinator.endTransaction("a", pid, (short) 3, true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void reinitialisingWithATransactionOngoingAbortsItAndFencesTheOldEpoch() {
        TransactionCoordinator.InitResult old = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        coordinator.addPartitions("a", old.producerId(), (short) 0, List.of(T0));
        TransactionCoordinator.InitResult fresh = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        assertThat(fresh.error()).isEqualTo(Errors.NONE);
        assertThat(fresh.producerId()).isEqualTo(old.producerId());
        assertThat(fresh.producerEpoch()).isEqualTo((short) 2); // 1 fenced and aborted, 2 is the new session
        assertThat(logEnd(T0)).as("the abort marker").isEqualTo(1);
        assertThat(describe("a").state()).isEqualTo(TransactionState.EMPTY);
        assertThat(coordinator.endTransaction("a", old.producerId(), (short) 0, true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedWithABumpedEpoch() {
        TransactionCoordinator.InitResult init = coordinator.initProducerId("a", 5_000, -1, (short) -1);
        coordinator.addPartitions("a", init.producerId(), (short) 0, List.of(T0));
        clock.addAndGet(4_000);
        coordinator.abortTimedOutTransactions();
        assertThat(describe("a").state()).isEqualTo(TransactionState.ONGOING);
        clock.addAndGet(2_000);
        coordinator.abortTimedOutTransactions();
        assertThat(describe("a").state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(describe("a").producerEpoch()).isEqualTo((short) 1);
        assertThat(logEnd(T0)).isEqualTo(1);
        assertThat(coordinator.endTransaction("a", init.producerId(), (short) 0, true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void idleTransactionalIdsExpire() throws Exception {
        coordinator.initProducerId("a", 5_000, -1, (short) -1);
        clock.addAndGet(CONFIG.transactionalIdExpirationMs() + 1);
        coordinator.removeExpiredTransactionalIds();
        assertThat(coordinator.describe("a")).isEmpty();
        core.restart();
        coordinator = loadedCoordinator();
        assertThat(coordinator.describe("a")).as("the tombstone outlives a restart").isEmpty();
    }

    @Test
    void aRestartReloadsTheStateAndFinishesDecidedTransactions() throws Exception {
        TransactionCoordinator.InitResult a = coordinator.initProducerId("a", 10_000, -1, (short) -1);
        coordinator.addPartitions("a", a.producerId(), (short) 0, List.of(T0));
        TransactionCoordinator.InitResult b = coordinator.initProducerId("b", 10_000, -1, (short) -1);
        // As if the broker died between logging b's decision and writing its markers.
        log.write(new TransactionMetadata("b", b.producerId(), (short) 0, (short) -1, 10_000,
            TransactionState.PREPARE_COMMIT, Set.of(T1), clock.get(), clock.get()));

        core.restart();
        coordinator = loadedCoordinator();

        TransactionMetadata reloaded = describe("a");
        assertThat(reloaded.producerId()).isEqualTo(a.producerId());
        assertThat(reloaded.producerEpoch()).isZero();
        assertThat(reloaded.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(reloaded.partitions()).containsExactly(T0);
        assertThat(describe("b").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(logEnd(T1)).as("b's commit marker").isEqualTo(1);
        assertThat(coordinator.initProducerId("a", 10_000, -1, (short) -1).producerEpoch())
            .as("after aborting a's ongoing transaction at epoch 1").isEqualTo((short) 2);
    }
}
