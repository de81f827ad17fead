package io.wharf.log;

import static io.wharf.log.TestLogs.keyed;
import static io.wharf.log.TestLogs.readAll;
import static io.wharf.log.TestLogs.readData;
import static io.wharf.log.TestLogs.string;
import static io.wharf.log.TestLogs.transactional;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction of transactional data: aborted records go, committed ones compact, open ones stay untouched. */
class TransactionalCompactionTest {
    private static final long P1 = 3001;
    private static final long P2 = 3002;
    private static final short E0 = 0;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private final LogConfig config =
        TestLogs.smallConfig().segmentBytes(1024).cleanupPolicy(LogConfig.CleanupPolicy.COMPACT).build();

    private Log open() {
        return TestLogs.open(dir, config, time);
    }

    private static void produce(Log log, ByteBuffer records) {
        log.append(records);
        log.highWatermarkToLogEnd();
    }

    private static void end(Log log, long producerId, ControlType type) {
        log.appendTransactionMarker(producerId, E0, type, 0);
        log.highWatermarkToLogEnd();
    }

    private static Map<Long, String> byOffset(List<Record> records) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (Record r : records) m.put(r.offset(), string(r.key()) + "=" + string(r.value()));
        return m;
    }

    @Test
    void abortedRecordsAreDroppedAndNeverShadowTheCommittedValueEvenWithTheMarkerInALaterSegment() {
        try (Log log = open()) {
            produce(log, keyed(1, "k", "committed"));                      // 0
            produce(log, transactional(P1, E0, 0, "k", "aborted"));        // 1
            log.roll();
            produce(log, keyed(1, "filler", "x"));                         // 2
            log.roll();
            produce(log, transactional(P2, E0, 0, "k", "open"));           // 3: holds the LSO
            end(log, P1, ControlType.ABORT);                               // 4
            log.roll();
            produce(log, keyed(1, "filler", "y"));                         // 5
            assertThat(log.lastStableOffset()).isEqualTo(3);

            long cleanedTo = new Compactor(log, 1000).compact(0);

            assertThat(cleanedTo).isEqualTo(3);
            Map<Long, String> after = byOffset(readData(log, 0, Isolation.LOG_END));
            assertThat(after).containsEntry(0L, "k=committed").doesNotContainKey(1L)
                .containsEntry(3L, "k=open").containsEntry(5L, "filler=y");
            assertThat(readAll(log, 4, Isolation.LOG_END).get(0).offset()).as("the marker stays").isEqualTo(4);
            assertThat(log.abortedTransactions(0, 6)).containsExactly(new AbortedTransaction(P1, 1, 4, 3));
        }
    }

    @Test
    void theCleanedSegmentKeepsTheAbortedEntriesOfTheSegmentsItReplaces() {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, 0, "k", "aborted"));        // 0
            end(log, P1, ControlType.ABORT);                               // 1
            produce(log, keyed(1, "k", "later"));                          // 2
            log.roll();
            produce(log, keyed(1, "k", "latest"));                         // 3
            log.roll();
            produce(log, keyed(1, "filler", "x"));                         // 4

            new Compactor(log, 1000).compact(0);

            assertThat(log.abortedTransactions(0, 5)).containsExactly(new AbortedTransaction(P1, 0, 1, 2));
            assertThat(byOffset(readData(log, 0, Isolation.LOG_END))).containsOnlyKeys(3L, 4L);
            assertThat(readAll(log, 0, Isolation.LOG_END).get(0).offset()).as("the marker").isEqualTo(1);
        }
    }

    @Test
    void committedTransactionalRecordsAreCompactedLikeAnyOther() throws IOException {
        try (Log log = open()) {
            produce(log, transactional(P1, E0, 0, "a", "1"));             // 0
            end(log, P1, ControlType.COMMIT);                             // 1
            produce(log, transactional(P1, E0, 1, "a", "2"));             // 2
            end(log, P1, ControlType.COMMIT);                             // 3
            log.roll();
            produce(log, keyed(1, "filler", "x"));                        // 4

            new Compactor(log, 1000).compact(0);

            assertThat(byOffset(readData(log, 0, Isolation.LAST_STABLE))).containsExactly(
                Map.entry(2L, "a=2"), Map.entry(4L, "filler=x"));
            ByteBuffer kept = log.read(2, 1 << 20, Isolation.LOG_END, true).records().readFully();
            RecordBatch batch = RecordBatch.at(kept, 0);
            assertThat(batch.isTransactional()).isTrue();
            assertThat(batch.producerId()).isEqualTo(P1);
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::offset).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void anOpenTransactionsDataIsNotCleanedUntilItIsDecided() {
        try (Log log = open()) {
            produce(log, keyed(1, "k", "old"));                           // 0
            log.roll();
            produce(log, transactional(P1, E0, 0, "k", "pending"));      // 1
            log.roll();
            produce(log, keyed(1, "k", "newest"));                        // 2
            log.roll();
            produce(log, keyed(1, "filler", "x"));                        // 3

            assertThat(new Compactor(log, 1000).compact(0)).isEqualTo(1);
            assertThat(byOffset(readData(log, 0, Isolation.LOG_END)))
                .containsEntry(0L, "k=old").containsEntry(1L, "k=pending").containsEntry(2L, "k=newest");

            end(log, P1, ControlType.ABORT);                              // 4
            log.roll();
            produce(log, keyed(1, "filler", "y"));                        // 5
            new Compactor(log, 1000).compact(0);
            assertThat(byOffset(readData(log, 0, Isolation.LOG_END))).doesNotContainKeys(0L, 1L)
                .containsEntry(2L, "k=newest");
        }
    }

    @Test
    void anInterruptedSwapBringsTheCleanedSegmentsTransactionIndexAlong() throws IOException {
        Path live = dir.resolve("live-0");
        try (Log log = TestLogs.open(live, config, time)) {
            produce(log, transactional(P1, E0, 0, "k", "aborted"));        // 0
            end(log, P1, ControlType.ABORT);                               // 1
            log.roll();
            produce(log, keyed(1, "k", "kept"));                           // 2
            log.roll();
            produce(log, keyed(1, "filler", "x"));                         // 3
        }
        Path copy = dir.resolve("copy-0");
        Files.createDirectories(copy);
        try (var files = Files.list(live)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        long swapEnd;
        try (Log cleaned = Log.open(copy, config, new CheckpointedOffsets(4, 0, 4), true, time, null)) {
            new Compactor(cleaned, 1000).compact(0);
            assertThat(cleaned.segments()).extracting(LogSegment::baseOffset).containsExactly(0L, 3L);
            swapEnd = 3;
        }
        // A crash after the cleaned segment became .swap, before the originals went.
        for (String suffix : new String[] {".log", ".index", ".timeindex", ".txnindex"}) {
            Files.copy(copy.resolve(LogSegment.fileStem(0) + suffix), live.resolve(LogSegment.fileStem(0) + suffix + ".swap"));
        }
        Files.writeString(live.resolve(LogSegment.fileStem(0) + ".swapend"), Long.toString(swapEnd));

        try (Log log = Log.open(live, config, new CheckpointedOffsets(4, 0, 4), true, time, null)) {
            assertThat(log.segments()).extracting(LogSegment::baseOffset).containsExactly(0L, 3L);
            assertThat(log.abortedTransactions(0, 4)).containsExactly(new AbortedTransaction(P1, 0, 1, 2));
            assertThat(byOffset(readData(log, 0, Isolation.LOG_END))).containsOnlyKeys(2L, 3L);
        }
    }
}
