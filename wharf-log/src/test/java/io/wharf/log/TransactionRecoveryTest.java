package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readData;
import static io.wharf.log.TestLogs.transactional;
import static io.wharf.log.TestLogs.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transaction state across restarts, crashes, truncation and retention: the open transactions, the last
 * stable offset and the aborted transactions must come back exactly as they were.
 */
class TransactionRecoveryTest {
    private static final long P1 = 2001;
    private static final long P2 = 2002;
    private static final short E0 = 0;

    @TempDir
    Path root;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);
    private final LogConfig config = TestLogs.smallConfig().build();

    private static void produce(Log log, ByteBuffer records) {
        log.append(records);
        log.highWatermarkToLogEnd();
    }

    private static long end(Log log, long producerId, ControlType type) {
        long offset = log.appendTransactionMarker(producerId, E0, type, 1).firstOffset();
        log.highWatermarkToLogEnd();
        return offset;
    }

    private Log reopen(Path dir, boolean clean, long recoveryPoint, long highWatermark) {
        return Log.open(dir, config, new CheckpointedOffsets(recoveryPoint, 0, highWatermark), clean, time, null);
    }

    /** The files of a log that is still open, as a crash would leave them: no close, no final snapshot. */
    private Path crashCopy(Path dir, String name) throws IOException {
        Path copy = root.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
    }

    private static Path txnIndex(Path dir, long base) { return dir.resolve(LogSegment.fileStem(base) + ".txnindex"); }

    /**
     * 0..1 plain, 2..3 P1 (left open), 4 P2, 5 P2's abort, 6 plain: LSO 2, one aborted transaction whose
     * last stable offset is P1's first offset.
     */
    private static void writeOpenAndAborted(Log log) {
        produce(log, batch(0, 2, 1));
        produce(log, transactional(P1, E0, 0, null, "p1-a", "p1-b"));
        produce(log, transactional(P2, E0, 0, null, "p2"));
        end(log, P2, ControlType.ABORT);
        produce(log, batch(2, 1, 1));
    }

    private static void assertOpenAndAborted(Log log) {
        assertThat(log.logEndOffset()).isEqualTo(7);
        assertThat(log.lastStableOffset()).isEqualTo(2);
        assertThat(log.abortedTransactions(0, 7)).containsExactly(new AbortedTransaction(P2, 4, 5, 2));
        assertThat(values(readData(log, 0, Isolation.LAST_STABLE))).containsExactly("v0", "v1");
        end(log, P1, ControlType.COMMIT);
        assertThat(log.lastStableOffset()).isEqualTo(8);
        assertThat(log.abortedTransactions(0, 8)).containsExactly(new AbortedTransaction(P2, 4, 5, 2));
    }

    @Test
    void aCleanRestartKeepsOpenTransactionsAndAbortedOnes() {
        Path dir = root.resolve("clean-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            writeOpenAndAborted(log);
        }
        assertThat(ProducerSnapshotFile.path(dir, 7)).exists();
        try (Log log = reopen(dir, true, 7, 7)) {
            assertOpenAndAborted(log);
        }
    }

    @Test
    void aCrashRebuildsTheStateAndALostTransactionIndexFromTheLog() throws IOException {
        Path dir = root.resolve("live-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            writeOpenAndAborted(log);
            Path crashed = crashCopy(dir, "crashed-0");
            Files.delete(txnIndex(crashed, 0));
            try (Log recovered = reopen(crashed, false, 0, 7)) {
                assertOpenAndAborted(recovered);
            }
            assertThat(txnIndex(crashed, 0)).hasSize(TransactionIndex.ENTRY_SIZE);
        }
    }

    @Test
    void aMarkerWhoseIndexEntryWasLostIsIndexedAgainFromTheSnapshotBeforeIt() throws IOException {
        Path dir = root.resolve("live-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            produce(log, transactional(P1, E0, 0, null, "a"));   // 0
            log.roll();
            produce(log, batch(0, 2, 1));                        // 1..2
            log.roll();                                          // snapshot at 3 knows P1 is open from 0
            long marker = end(log, P1, ControlType.ABORT);       // 3
            produce(log, batch(2, 1, 1));
            log.flush(3);
            Path crashed = crashCopy(dir, "crashed-0");
            Files.delete(txnIndex(crashed, 3)); // the marker reached the log, its entry did not
            try (Log recovered = reopen(crashed, false, 3, 5)) {
                assertThat(recovered.abortedTransactions(0, 5)).containsExactly(new AbortedTransaction(P1, 0, marker, 4));
                assertThat(recovered.lastStableOffset()).isEqualTo(5);
            }
        }
    }

    @Test
    void aTransactionOpenForManySegmentsKeepsItsExactFirstOffsetAcrossRestartsAndCrashes() throws IOException {
        Path dir = root.resolve("long-0");
        long lastBase;
        try (Log log = TestLogs.open(dir, config, time)) {
            produce(log, batch(0, 3, 1));                               // 0..2
            produce(log, transactional(P1, E0, 0, null, "first"));      // 3
            for (int i = 0; i < 4; i++) {
                log.roll();
                produce(log, batch(10 * i, 5, 1));
            }
            lastBase = log.activeSegment().baseOffset();
            assertThat(log.numberOfSegments()).isEqualTo(5);
            assertThat(log.lastStableOffset()).isEqualTo(3);

            // A crash with the recovery point in the last segment: the replay starts at the roll snapshot.
            Path crashed = crashCopy(dir, "crashed-0");
            try (Log recovered = reopen(crashed, false, lastBase, log.highWatermark())) {
                assertThat(recovered.lastStableOffset()).isEqualTo(3);
                end(recovered, P1, ControlType.ABORT);
                assertThat(recovered.abortedTransactions(0, recovered.logEndOffset()))
                    .extracting(AbortedTransaction::firstOffset).containsExactly(3L);
            }
        }
        try (Log log = reopen(dir, true, 0, 24)) {
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(values(readData(log, 0, Isolation.LAST_STABLE))).containsExactly("v0", "v1", "v2");
            long marker = end(log, P1, ControlType.ABORT);
            assertThat(log.abortedTransactions(0, marker + 1))
                .containsExactly(new AbortedTransaction(P1, 3, marker, marker + 1));
        }
    }

    @Test
    void onlyASnapshotRemembersATransactionWhoseStartRetentionDeleted() {
        Path dir = root.resolve("retained-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            produce(log, transactional(P1, E0, 0, null, "t"));          // 0
            for (int i = 0; i < 3; i++) {
                log.roll();
                produce(log, batch(10 * i, 2, time.milliseconds())); // recent: only DeleteRecords removes them
            }
            long newStart = log.activeSegment().baseOffset();
            log.deleteRecordsBefore(newStart);
            assertThat(log.lastStableOffset()).as("clamped to the log start").isEqualTo(newStart);
            log.deleteOldSegments();
            assertThat(log.numberOfSegments()).isEqualTo(1);
            assertThat(log.lastStableOffset()).isEqualTo(newStart);
        }
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(7, 5, 7), true, time, null)) {
            assertThat(log.logStartOffset()).isEqualTo(5);
            assertThat(log.lastStableOffset()).isEqualTo(5);
            long marker = end(log, P1, ControlType.ABORT);
            assertThat(log.abortedTransactions(5, marker + 1))
                .containsExactly(new AbortedTransaction(P1, 0, marker, marker + 1));
            assertThat(log.lastStableOffset()).isEqualTo(marker + 1);
        }
    }

    @Test
    void aCorruptSnapshotIsIgnoredAndTheStateRebuiltWithoutIt() throws IOException {
        Path dir = root.resolve("corrupt-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            writeOpenAndAborted(log);
        }
        Path snapshot = ProducerSnapshotFile.path(dir, 7);
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(snapshot, bytes);
        try (Log log = reopen(dir, true, 7, 7)) {
            assertThat(snapshot).doesNotExist();
            assertOpenAndAborted(log);
        }
    }

    @Test
    void truncatingAboveAMarkerRemovesItsAbortAndReopensTheTransaction() {
        Path dir = root.resolve("truncated-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            produce(log, transactional(P1, E0, 0, null, "a", "b"));       // 0..1
            produce(log, batch(0, 1, 1));                                 // 2
            log.roll();
            produce(log, batch(1, 1, 1));                                 // 3
            long marker = end(log, P1, ControlType.ABORT);                // 4
            log.roll();                                                   // snapshot at 5: nothing open
            produce(log, batch(2, 2, 1));                                 // 5..6
            assertThat(log.abortedTransactions(0, 7)).hasSize(1);
            assertThat(log.lastStableOffset()).isEqualTo(7);

            log.truncateTo(marker);
            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(log.abortedTransactions(0, 4)).isEmpty();
            assertThat(txnIndex(dir, 3)).hasSize(0);
            assertThat(log.lastStableOffset()).as("the transaction is open again").isZero();
            assertThat(new ProducerSnapshots(dir).offsets()).allSatisfy(o -> assertThat(o).isLessThanOrEqualTo(4));

            long again = end(log, P1, ControlType.ABORT);
            assertThat(log.abortedTransactions(0, 5)).containsExactly(new AbortedTransaction(P1, 0, again, again + 1));
        }
    }

    @Test
    void retentionDeletesTransactionIndexesAndSnapshotsWithTheirSegments() throws IOException {
        Path dir = root.resolve("retention-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 6; i++) {
                produce(log, transactional(P1, E0, i, null, "t" + i));
                end(log, P1, ControlType.ABORT);
                log.roll();
            }
            assertThat(new ProducerSnapshots(dir).offsets()).hasSizeLessThanOrEqualTo(ProducerSnapshots.RETAINED + 1);
            long keepFrom = 8;
            log.deleteRecordsBefore(keepFrom);
            log.deleteOldSegments();
            assertThat(log.logStartOffset()).isEqualTo(keepFrom);
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertThat(names).filteredOn(n -> n.endsWith(".txnindex"))
                    .containsExactlyInAnyOrder(LogSegment.fileStem(8) + ".txnindex", LogSegment.fileStem(10) + ".txnindex");
            }
            assertThat(new ProducerSnapshots(dir).offsets()).allSatisfy(o -> assertThat(o).isGreaterThanOrEqualTo(keepFrom));
            assertThat(log.abortedTransactions(0, 12)).extracting(AbortedTransaction::firstOffset).containsExactly(8L, 10L);
        }
    }

    @Test
    void truncatingFullyForgetsTransactionsAndSnapshots() {
        Path dir = root.resolve("full-0");
        try (Log log = TestLogs.open(dir, config, time)) {
            produce(log, transactional(P1, E0, 0, null, "a"));
            log.roll();
            produce(log, batch(0, 1, 1));
            log.truncateFullyAndStartAt(100);
            assertThat(new ProducerSnapshots(dir).offsets()).isEmpty();
            assertThat(log.lastStableOffset()).isEqualTo(100);
            produce(log, batch(0, 1, 1));
            assertThat(log.lastStableOffset()).isEqualTo(101);
        }
    }
}
