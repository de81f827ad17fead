package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readData;
import static io.wharf.log.TestLogs.transactional;
import static io.wharf.log.TestLogs.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions as the coordinator and producers drive them: the last stable offset, markers, the aborted
 * transactions a read_committed fetch gets, and producer fencing.
 */
class TransactionalAppendTest {
    private static final long P1 = 1001;
    private static final long P2 = 1002;
    private static final short E0 = 0;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private Log open() {
        return TestLogs.open(dir, TestLogs.smallConfig().build(), time);
    }

    /** Appends and moves the HW to the LEO, as a single-replica partition does. */
    private static LogAppendInfo produce(Log log, ByteBuffer records) {
        LogAppendInfo info = log.append(records);
        log.highWatermarkToLogEnd();
        return info;
    }

    private static LogAppendInfo end(Log log, long producerId, ControlType type) {
        LogAppendInfo info = log.appendTransactionMarker(producerId, E0, type, 7);
        log.highWatermarkToLogEnd();
        return info;
    }

    private static InvalidBatchException.Reason reasonOf(Throwable e) {
        return ((InvalidBatchException) e).reason();
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetAtItsFirstOffsetUntilItCommits() {
        try (Log log = open()) {
            produce(log, batch(0, 3, 1));
            assertThat(log.lastStableOffset()).isEqualTo(3);
            produce(log, transactional(P1, E0, 0, null, "t1", "t2"));      // 3..4
            produce(log, batch(10, 3, 1));                                   // 5..7
            produce(log, transactional(P1, E0, 2, null, "t3"));             // 8
            assertThat(log.highWatermark()).isEqualTo(9);
            assertThat(log.lastStableOffset()).isEqualTo(3);

            LogReadInfo committed = log.read(0, 1 << 20, Isolation.LAST_STABLE, true);
            assertThat(committed.lastStableOffset()).isEqualTo(3);
            assertThat(committed.highWatermark()).isEqualTo(9);
            assertThat(values(readData(log, 0, Isolation.LAST_STABLE))).containsExactly("v0", "v1", "v2");
            assertThat(readData(log, 0, Isolation.HIGH_WATERMARK)).hasSize(9);
            assertThat(log.read(3, 1 << 20, Isolation.LAST_STABLE, true).records().isEmpty()).isTrue();

            LogAppendInfo marker = end(log, P1, ControlType.COMMIT);
            assertThat(marker.firstOffset()).isEqualTo(9).isEqualTo(marker.lastOffset());
            assertThat(log.lastStableOffset()).isEqualTo(10).isEqualTo(log.highWatermark());
            assertThat(values(readData(log, 0, Isolation.LAST_STABLE)))
                .containsExactly("v0", "v1", "v2", "t1", "t2", "v10", "v11", "v12", "t3");
            assertThat(log.abortedTransactions(0, 10)).isEmpty();
        }
    }

    @Test
    void theLastStableOffsetNeverPassesTheHighWatermark() {
        try (Log log = open()) {
            produce(log, batch(0, 2, 1));
            log.append(batch(2, 2, 1));
            assertThat(log.lastStableOffset()).isEqualTo(2).isEqualTo(log.highWatermark());
            log.append(transactional(P1, E0, 0, null, "t"));
            log.updateHighWatermark(3);
            assertThat(log.lastStableOffset()).isEqualTo(3);
            log.highWatermarkToLogEnd();
            assertThat(log.lastStableOffset()).isEqualTo(4);
            assertThat(log.read(0, 1 << 20, Isolation.LOG_END, true).lastStableOffset()).isEqualTo(4);
        }
    }

    @Test
    void interleavedTransactionsEachHoldTheLastStableOffsetInTurn() {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, 0, null, "a1"));   // 0
            produce(log, transactional(P2, E0, 0, null, "b1"));   // 1
            produce(log, transactional(P1, E0, 1, null, "a2"));   // 2
            produce(log, batch(0, 1, 1));                         // 3
            assertThat(log.lastStableOffset()).isZero();
            assertThat(end(log, P1, ControlType.COMMIT).firstOffset()).isEqualTo(4);
            assertThat(log.lastStableOffset()).isEqualTo(1);
            assertThat(values(readData(log, 0, Isolation.LAST_STABLE))).containsExactly("a1");
            assertThat(end(log, P2, ControlType.ABORT).firstOffset()).isEqualTo(5);
            assertThat(log.lastStableOffset()).isEqualTo(6);
            assertThat(log.abortedTransactions(0, 6)).containsExactly(new AbortedTransaction(P2, 1, 5, 6));
        }
    }

    @Test
    void anAbortWhileAnotherTransactionIsOpenRecordsThatTransactionAsTheLastStableOffset() {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, 0, null, "a1"));   // 0
            produce(log, transactional(P2, E0, 0, null, "b1"));   // 1
            end(log, P2, ControlType.ABORT);                      // 2
            assertThat(log.abortedTransactions(0, 3)).containsExactly(new AbortedTransaction(P2, 1, 2, 0));
            assertThat(log.lastStableOffset()).isZero();
            end(log, P1, ControlType.ABORT);                      // 3
            assertThat(log.abortedTransactions(0, 4))
                .containsExactly(new AbortedTransaction(P2, 1, 2, 0), new AbortedTransaction(P1, 0, 3, 4));
        }
    }

    @Test
    void abortedTransactionsAreFilteredByMarkerAndFirstOffset() {
        try (Log log = open()) {
            produce(log, batch(0, 2, 1));                                  // 0..1
            produce(log, transactional(P1, E0, 0, null, "x", "y"));        // 2..3
            produce(log, batch(2, 1, 1));                                  // 4
            end(log, P1, ControlType.ABORT);                               // 5
            produce(log, transactional(P2, E0, 0, null, "z"));             // 6
            end(log, P2, ControlType.COMMIT);                              // 7
            AbortedTransaction abort = new AbortedTransaction(P1, 2, 5, 6);

            assertThat(log.abortedTransactions(0, 8)).containsExactly(abort);
            assertThat(log.abortedTransactions(5, 8)).as("fetch at the marker").containsExactly(abort);
            assertThat(log.abortedTransactions(6, 8)).as("fetch after the marker").isEmpty();
            assertThat(log.abortedTransactions(0, 3)).as("bound just above the first offset").containsExactly(abort);
            assertThat(log.abortedTransactions(0, 2)).as("bound at the first offset").isEmpty();
            assertThat(dir.resolve(LogSegment.fileStem(0) + ".txnindex")).hasSize(TransactionIndex.ENTRY_SIZE);
        }
    }

    @Test
    void aTransactionSpanningSegmentsIsReportedFromItsFirstOffsetInTheMarkersSegment() {
        try (Log log = open()) {
            produce(log, batch(0, 2, 1));                                          // 0..1
            produce(log, transactional(P1, E0, 0, null, "s0"));                    // 2
            log.roll();
            produce(log, transactional(P1, E0, 1, null, "s1"));                    // 3
            produce(log, batch(2, 1, 1));                                          // 4
            log.roll();
            produce(log, transactional(P1, E0, 2, null, "s2"));                    // 5
            log.roll();
            assertThat(log.lastStableOffset()).isEqualTo(2);
            long marker = end(log, P1, ControlType.ABORT).firstOffset();           // 6, in the fourth segment
            assertThat(log.numberOfSegments()).isEqualTo(4);

            AbortedTransaction abort = new AbortedTransaction(P1, 2, marker, marker + 1);
            assertThat(log.abortedTransactions(0, 7)).containsExactly(abort);
            assertThat(log.abortedTransactions(3, 4)).as("a fetch inside the second segment").containsExactly(abort);
            assertThat(Files.exists(dir.resolve(LogSegment.fileStem(6) + ".txnindex"))).isTrue();
            for (long base : new long[] {0, 3, 5}) {
                assertThat(Files.exists(dir.resolve(LogSegment.fileStem(base) + ".txnindex"))).as("segment %d", base)
                    .isFalse();
            }
            assertThat(log.lastStableOffset()).isEqualTo(7);
        }
    }

    @Test
    void aMarkerFromAnOlderEpochIsRefused() {
        try (Log log = open()) {
            produce(log, transactional(P1, (short) 3, 0, null, "t"));
            assertThatThrownBy(() -> log.appendTransactionMarker(P1, (short) 2, ControlType.COMMIT, 0))
                .extracting(TransactionalAppendTest::reasonOf)
                .isEqualTo(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH);
            assertThat(log.logEndOffset()).isEqualTo(1);
            assertThat(log.lastStableOffset()).isZero();
            log.appendTransactionMarker(P1, (short) 3, ControlType.COMMIT, 0);
            log.highWatermarkToLogEnd();
            assertThat(log.lastStableOffset()).isEqualTo(2);
        }
    }

    @Test
    void aMarkerFromANewerEpochFencesTheOldEpochsBatches() {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, 0, null, "zombie-1"));
            log.appendTransactionMarker(P1, (short) 1, ControlType.ABORT, 0);
            log.highWatermarkToLogEnd();
            assertThat(log.abortedTransactions(0, 2)).containsExactly(new AbortedTransaction(P1, 0, 1, 2));
            assertThatThrownBy(() -> log.append(transactional(P1, E0, 1, null, "zombie-2")))
                .extracting(TransactionalAppendTest::reasonOf)
                .isEqualTo(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH);
            assertThat(produce(log, transactional(P1, (short) 1, 0, null, "fresh")).firstOffset()).isEqualTo(2);
            assertThat(log.lastStableOffset()).isEqualTo(2);
        }
    }

    @Test
    void aMarkerForAProducerWithNothingOpenIsWrittenAndChangesNothing() {
        try (Log log = open()) {
            produce(log, batch(0, 2, 1));
            assertThat(end(log, P1, ControlType.ABORT).firstOffset()).isEqualTo(2);
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(log.abortedTransactions(0, 3)).isEmpty();
        }
    }

    @Test
    void clientsMayNotWriteControlBatchesButReplicationMay() {
        ByteBuffer marker = new TransactionMarker(ControlType.COMMIT, 0).toBatch(P1, E0, 1);
        try (Log log = open()) {
            assertThatThrownBy(() -> log.append(marker.duplicate()))
                .extracting(TransactionalAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
            assertThat(log.logEndOffset()).isZero();

            ByteBuffer data = transactional(P1, E0, 0, null, "replicated");
            RecordBatch.at(data, 0).setBaseOffset(0);
            log.appendWithOffsets(data);
            // A marker as a Kafka leader writes it, copied by a follower.
            ByteBuffer kafkaMarker = MemoryRecords.withEndTransactionMarker(1, 1, 0, P1, E0,
                new EndTransactionMarker(ControlRecordType.ABORT, 5)).buffer();
            log.appendWithOffsets(kafkaMarker);
            log.highWatermarkToLogEnd();
            assertThat(log.abortedTransactions(0, 2)).containsExactly(new AbortedTransaction(P1, 0, 1, 2));
        }
    }

    @Test
    void markersAreKafkaEndTransactionMarkers() throws Exception {
        try (Log log = open()) {
            produce(log, transactional(P1, (short) 4, 0, null, "t"));
            log.appendTransactionMarker(P1, (short) 4, ControlType.ABORT, 42);
            log.highWatermarkToLogEnd();
            ByteBuffer bytes = log.read(1, 1 << 20, Isolation.LOG_END, true).records().readFully();
            MutableRecordBatch batch = MemoryRecords.readableRecords(bytes).batches().iterator().next();
            assertThat(batch.isControlBatch()).isTrue();
            assertThat(batch.isTransactional()).isTrue();
            assertThat(batch.producerId()).isEqualTo(P1);
            assertThat(batch.producerEpoch()).isEqualTo((short) 4);
            assertThat(batch.baseSequence()).isEqualTo(RecordBatch.NO_SEQUENCE);
            assertThat(batch.maxTimestamp()).isEqualTo(time.milliseconds());
            batch.ensureValid();
            org.apache.kafka.common.record.internal.Record record = batch.iterator().next();
            assertThat(ControlRecordType.parse(record.key())).isEqualTo(ControlRecordType.ABORT);
            assertThat(EndTransactionMarker.deserialize(record).coordinatorEpoch()).isEqualTo(42);
            List<Record> ours = TestLogs.readAll(log, 1, Isolation.LOG_END);
            assertThat(ours).hasSize(1);
        }
    }

    @Test
    void aFencedProducersLateWriteWithoutSequencesIsRefusedAfterItsAbortMarker() {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, RecordBatch.NO_SEQUENCE, "g", "offset-commit")); // offset 0
            log.appendTransactionMarker(P1, (short) (E0 + 1), ControlType.ABORT, 0);          // fence: offset 1
            log.highWatermarkToLogEnd();
            assertThat(log.lastStableOffset()).isEqualTo(2);
            // As the group coordinator's TxnOffsetCommit of the fenced instance, arriving late: no sequence.
            assertThatThrownBy(() -> produce(log, transactional(P1, E0, RecordBatch.NO_SEQUENCE, "g", "late")))
                .isInstanceOf(InvalidBatchException.class)
                .extracting(TransactionalAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH);
            assertThat(log.logEndOffset()).isEqualTo(2);
            assertThat(log.lastStableOffset()).as("no transaction reopened").isEqualTo(2);
        }
    }
}
