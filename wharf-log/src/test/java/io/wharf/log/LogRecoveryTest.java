package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery keeps exactly the complete, valid prefix of the log: the log is cut at every byte of its
 * last batches, and every byte the CRC protects is flipped, and each time the recovered log must hold
 * precisely the batches before the damage — never one more, never one fewer — with working indexes.
 */
class LogRecoveryTest {
    private static final int BATCHES = 40;
    private static final int DAMAGED_TAIL = 3;

    @TempDir
    Path root;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);
    private final LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).indexIntervalBytes(128).build();
    private Path pristine;
    /** Start position of each batch in the single segment, plus the file end. */
    private final List<Integer> boundaries = new ArrayList<>();
    private final List<Long> nextOffsets = new ArrayList<>();

    @BeforeEach
    void writeLog() {
        pristine = root.resolve("pristine-0");
        try (Log log = TestLogs.open(pristine, config, time)) {
            for (int i = 0; i < BATCHES; i++) {
                boundaries.add(log.activeSegment().size());
                LogAppendInfo info = log.append(batch(i * 3, 1 + i % 3, 1000 + i));
                nextOffsets.add(info.lastOffset() + 1);
            }
            boundaries.add(log.activeSegment().size());
            assertThat(log.numberOfSegments()).isEqualTo(1);
        }
    }

    private Path copy(String name) throws IOException {
        Path target = root.resolve(name);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(pristine)) {
            for (Path f : files.toList()) Files.copy(f, target.resolve(f.getFileName()));
        }
        return target;
    }

    /** Offsets the log must hold after recovery if the first {@code intactBatches} survive. */
    private long expectedEnd(int intactBatches) {
        return intactBatches == 0 ? 0 : nextOffsets.get(intactBatches - 1);
    }

    private void assertRecoveredTo(Path dir, int intactBatches, String what) {
        try (Log log = Log.open(dir, config, CheckpointedOffsets.NONE, false, time, null)) {
            long end = expectedEnd(intactBatches);
            assertThat(log.logEndOffset()).as("log end offset after %s", what).isEqualTo(end);
            assertThat(log.activeSegment().size()).as("size after %s", what).isEqualTo(boundaries.get(intactBatches));
            List<Record> records = readAll(log, 0, Isolation.LOG_END);
            assertThat(records).as("records after %s", what).hasSize((int) end);
            for (int i = 0; i < records.size(); i++) assertThat(records.get(i).offset()).isEqualTo(i);
            // Every offset is reachable through the rebuilt index.
            for (long o = 0; o < end; o += 7) {
                assertThat(readAll(log, o, Isolation.LOG_END).get(0).offset()).as("read at %d after %s", o, what)
                    .isEqualTo(o);
            }
            assertThat(log.append(batch(0, 1, 1)).firstOffset()).as("next append after %s", what).isEqualTo(end);
        }
    }

    @Test
    void cutAtEveryByteOfTheLastBatchesKeepsExactlyTheCompleteOnes() throws IOException {
        int from = boundaries.get(BATCHES - DAMAGED_TAIL);
        int to = boundaries.get(BATCHES);
        for (int cut = from; cut <= to; cut++) {
            Path dir = copy("cut-" + cut);
            try (var ch = java.nio.channels.FileChannel.open(LogSegment.logFile(dir, 0), java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            int intact = 0;
            while (intact < BATCHES && boundaries.get(intact + 1) <= cut) intact++;
            assertRecoveredTo(dir, intact, "a cut at byte " + cut);
            TestLogs.deleteRecursively(dir);
        }
    }

    @Test
    void flippingAnyCheckedByteCutsTheLogAtThatBatch() throws IOException {
        int from = boundaries.get(BATCHES - DAMAGED_TAIL);
        int to = boundaries.get(BATCHES);
        int checked = 0;
        for (int pos = from; pos < to; pos++) {
            int batchIndex = 0;
            while (boundaries.get(batchIndex + 1) <= pos) batchIndex++;
            int within = pos - boundaries.get(batchIndex);
            // The format leaves baseOffset and partitionLeaderEpoch outside the CRC (the log assigns them),
            // so a flip there is not detectable as corruption; every other byte is.
            boolean covered = within >= RecordBatch.LENGTH_OFFSET && !(within >= RecordBatch.PARTITION_LEADER_EPOCH_OFFSET
                && within < RecordBatch.MAGIC_OFFSET);
            if (!covered) continue;
            Path dir = copy("flip-" + pos);
            Path log = LogSegment.logFile(dir, 0);
            byte[] bytes = Files.readAllBytes(log);
            bytes[pos] ^= (byte) 0x5A;
            Files.write(log, bytes);
            assertRecoveredTo(dir, batchIndex, "a flipped byte at " + pos + " (byte " + within + " of batch " + batchIndex + ")");
            TestLogs.deleteRecursively(dir);
            checked++;
        }
        assertThat(checked).isGreaterThan(DAMAGED_TAIL * RecordBatch.HEADER_SIZE - DAMAGED_TAIL * 12);
    }

    @Test
    void aBaseOffsetThatGoesBackwardsIsCorruption() throws IOException {
        Path dir = copy("backwards");
        Path log = LogSegment.logFile(dir, 0);
        byte[] bytes = Files.readAllBytes(log);
        int at = boundaries.get(BATCHES - 1);
        java.nio.ByteBuffer.wrap(bytes).putLong(at, 0L);
        Files.write(log, bytes);
        assertRecoveredTo(dir, BATCHES - 1, "a base offset rewritten to 0");
    }

    @Test
    void garbageIndexFilesAreRebuilt() throws IOException {
        Path dir = copy("garbage-index");
        Files.write(dir.resolve(LogSegment.fileStem(0) + ".index"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 1});
        Files.delete(dir.resolve(LogSegment.fileStem(0) + ".timeindex"));
        assertRecoveredTo(dir, BATCHES, "garbage indexes");
    }

    @Test
    void segmentsAfterACorruptOneAreDeleted() throws IOException {
        Path dir = root.resolve("multi-0");
        LogConfig small = TestLogs.smallConfig().segmentBytes(1024).build();
        long firstSegmentEnd;
        try (Log log = TestLogs.open(dir, small, time)) {
            for (int i = 0; i < 60; i++) log.append(batch(i, 1, 1));
            assertThat(log.numberOfSegments()).isGreaterThan(3);
            firstSegmentEnd = new ArrayList<>(log.segments()).get(1).baseOffset();
        }
        Path first = LogSegment.logFile(dir, 0);
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 1] ^= 1; // corrupt the last batch of the first segment
        Files.write(first, bytes);
        try (Log log = Log.open(dir, small, CheckpointedOffsets.NONE, false, time, null)) {
            assertThat(log.numberOfSegments()).isEqualTo(1);
            assertThat(log.logEndOffset()).isEqualTo(firstSegmentEnd - 1);
            assertThat(readAll(log, 0, Isolation.LOG_END)).hasSize((int) firstSegmentEnd - 1);
        }
    }

    @Test
    void segmentsBeforeTheRecoveryPointAreTrusted() throws IOException {
        Path dir = root.resolve("trusted-0");
        LogConfig small = TestLogs.smallConfig().segmentBytes(1024).build();
        long secondBase;
        long end;
        try (Log log = TestLogs.open(dir, small, time)) {
            for (int i = 0; i < 60; i++) log.append(batch(i, 1, 1));
            secondBase = new ArrayList<>(log.segments()).get(1).baseOffset();
            end = log.logEndOffset();
        }
        // Damage below the recovery point is not looked for (it was flushed); damage above it is.
        Path last = LogSegment.logFile(dir, new ArrayList<>(List.of(secondBase)).get(0));
        try (var ch = java.nio.channels.FileChannel.open(LogSegment.logFile(dir, 0), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {9}), 40);
        }
        try (Log log = Log.open(dir, small, new CheckpointedOffsets(secondBase, 0, 0), false, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(Files.size(last)).isPositive();
        }
    }
}
