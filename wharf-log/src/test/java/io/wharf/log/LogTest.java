package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static io.wharf.log.TestLogs.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    @Test
    void appendAssignsConsecutiveOffsetsAndReadReturnsThemInOrder() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            LogAppendInfo first = log.append(batch(0, 3, time.milliseconds()));
            LogAppendInfo second = log.append(batch(3, 2, time.milliseconds()));
            assertThat(first.firstOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(2);
            assertThat(second.firstOffset()).isEqualTo(3);
            assertThat(second.lastOffset()).isEqualTo(4);
            assertThat(log.logEndOffset()).isEqualTo(5);
            log.highWatermarkToLogEnd();
            List<Record> records = readAll(log, 0, Isolation.HIGH_WATERMARK);
            assertThat(records).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(values(records)).containsExactly("v0", "v1", "v2", "v3", "v4");
        }
    }

    @Test
    void segmentsAreNamedByTwentyDigitBaseOffsetAndRollOnSegmentBytes() throws Exception {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            for (int i = 0; i < 100; i++) log.append(batch(i * 5, 5, time.milliseconds()));
            assertThat(log.numberOfSegments()).isGreaterThan(3);
            for (LogSegment s : log.segments()) {
                assertThat(s.size()).isLessThanOrEqualTo(4096);
                String stem = String.format("%020d", s.baseOffset());
                assertThat(dir.resolve(stem + ".log")).exists();
                assertThat(dir.resolve(stem + ".index")).exists();
                assertThat(dir.resolve(stem + ".timeindex")).exists();
            }
            log.highWatermarkToLogEnd();
            List<Record> records = readAll(log, 0, Isolation.HIGH_WATERMARK);
            assertThat(records).extracting(Record::offset)
                .containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> (long) i).toList());
            // A read from any offset starts at the batch holding it, via the sparse index.
            for (long offset : new long[] {0, 1, 137, 250, 499}) {
                assertThat(readAll(log, offset, Isolation.HIGH_WATERMARK).get(0).offset()).isEqualTo(offset);
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".index")))
                .allSatisfy(p -> assertThat(Files.size(p) % 8).isZero());
        }
    }

    @Test
    void rollsOnSegmentMsOnlyWhenTheActiveSegmentHasData() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).segmentMs(1000).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(batch(0, 1, time.milliseconds()));
            time.advance(999);
            log.append(batch(1, 1, time.milliseconds()));
            assertThat(log.numberOfSegments()).isEqualTo(1);
            time.advance(1);
            log.append(batch(2, 1, time.milliseconds()));
            assertThat(log.numberOfSegments()).isEqualTo(2);
            assertThat(log.activeSegment().baseOffset()).isEqualTo(2);
        }
    }

    /**
     * segment.jitter.ms: each segment rolls at segment.ms less its own random jitter, never later than
     * segment.ms and never earlier than segment.ms - jitter, and segments do not all roll at the same age.
     */
    @Test
    void eachSegmentRollsAtSegmentMsLessItsOwnJitter() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).segmentMs(1000).segmentJitterMs(800).build();
        java.util.Set<Long> rollAges = new java.util.HashSet<>();
        try (Log log = TestLogs.open(dir, config, time)) {
            int offset = 0;
            for (int segment = 0; segment < 30; segment++) {
                long start = time.milliseconds();
                log.append(batch(offset++, 1, time.milliseconds()));
                int segments = log.numberOfSegments();
                while (log.numberOfSegments() == segments) {
                    time.advance(10);
                    log.append(batch(offset++, 1, time.milliseconds()));
                }
                long age = time.milliseconds() - start;
                assertThat(age).as("roll age of segment %d", segment).isBetween(200L, 1000L);
                rollAges.add(age);
            }
        }
        assertThat(rollAges).as("jitter differs between segments").hasSizeGreaterThan(3);
    }

    /** A compacted log rolls after max.compaction.lag.ms if that is sooner than segment.ms. */
    @Test
    void aCompactedLogRollsAtTheMaxCompactionLag() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).segmentMs(10_000)
            .cleanupPolicy(LogConfig.CleanupPolicy.COMPACT).maxCompactionLagMs(500).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(batch(0, 1, time.milliseconds()));
            time.advance(499);
            log.append(batch(1, 1, time.milliseconds()));
            assertThat(log.numberOfSegments()).isEqualTo(1);
            time.advance(1);
            log.append(batch(2, 1, time.milliseconds()));
            assertThat(log.numberOfSegments()).isEqualTo(2);
        }
        LogConfig deleted = config.toBuilder().cleanupPolicy(LogConfig.CleanupPolicy.DELETE).build();
        assertThat(deleted.maxSegmentMs()).as("the lag only matters to compacted logs").isEqualTo(10_000);
    }

    /** As Kafka's leader: every appended batch carries the leader epoch (outside the CRC), markers too. */
    @Test
    void appendsStampTheLeaderEpoch() throws Exception {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            ByteBuffer sent = batch(0, 2, time.milliseconds());
            assertThat(RecordBatch.at(sent, 0).partitionLeaderEpoch()).isEqualTo(RecordBatch.NO_PARTITION_LEADER_EPOCH);
            log.append(sent, 3);
            log.append(batch(2, 1, time.milliseconds()));
            log.append(RecordBatchBuilder.newBatch(Compression.NONE).producer(5, (short) 0, 0).transactional(true)
                .append(time.milliseconds(), null, new byte[1]).build(), 3);
            log.appendTransactionMarker(5, (short) 0, ControlType.COMMIT, 0, 4);
            ByteBuffer stored = log.read(0, 1 << 20, Isolation.LOG_END, true).records().readFully();
            List<RecordBatch> batches = new java.util.ArrayList<>();
            io.wharf.log.record.RecordBatchIterator.batches(stored).forEach(batches::add);
            assertThat(batches).extracting(RecordBatch::partitionLeaderEpoch).containsExactly(3, -1, 3, 4);
            assertThat(batches).allSatisfy(b -> assertThat(b.isChecksumValid()).isTrue());
        }
    }

    @Test
    void readsAreBoundedByTheHighWatermark() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(batch(0, 2, 1));
            log.append(batch(2, 2, 1));
            log.updateHighWatermark(2);
            assertThat(readAll(log, 0, Isolation.HIGH_WATERMARK)).extracting(Record::offset).containsExactly(0L, 1L);
            assertThat(log.read(2, 1000, Isolation.HIGH_WATERMARK, true).records().isEmpty()).isTrue();
            assertThat(readAll(log, 0, Isolation.LOG_END)).hasSize(4);
            log.updateHighWatermark(100);
            assertThat(log.highWatermark()).isEqualTo(4);
        }
    }

    @Test
    void readOutsideTheLogIsOffsetOutOfRange() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(batch(0, 2, 1));
            assertThatThrownBy(() -> log.read(3, 100, Isolation.LOG_END, true))
                .isInstanceOf(OffsetOutOfRangeException.class).hasMessageContaining("log end offset 2");
            assertThatThrownBy(() -> log.read(-1, 100, Isolation.LOG_END, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(log.read(2, 100, Isolation.LOG_END, true).records().isEmpty()).isTrue();
        }
    }

    @Test
    void maxBytesCutsTheSliceButMinOneBatchReturnsAWholeFirstBatch() throws Exception {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            ByteBuffer b = batch(0, 10, 1);
            int size = b.remaining();
            log.append(b);
            log.append(batch(10, 10, 1));
            assertThat(log.read(0, 10, Isolation.LOG_END, true).records().size()).isEqualTo(size);
            assertThat(log.read(0, 10, Isolation.LOG_END, false).records().size()).isEqualTo(10);
            assertThat(log.read(0, 1 << 20, Isolation.LOG_END, false).records().size()).isEqualTo(log.size());
        }
    }

    @Test
    void rejectsCorruptTruncatedOversizedAndOldMagicBatches() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().maxMessageBytes(200).build(), time)) {
            ByteBuffer corrupt = batch(0, 1, 1);
            corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
            assertThatThrownBy(() -> log.append(corrupt)).isInstanceOf(InvalidBatchException.class)
                .extracting(e -> ((InvalidBatchException) e).reason()).isEqualTo(InvalidBatchException.Reason.CORRUPT);

            ByteBuffer torn = batch(0, 1, 1);
            torn.limit(torn.limit() - 3);
            assertThatThrownBy(() -> log.append(torn)).isInstanceOf(InvalidBatchException.class)
                .extracting(e -> ((InvalidBatchException) e).reason()).isEqualTo(InvalidBatchException.Reason.CORRUPT);

            ByteBuffer big = RecordBatchBuilder.newBatch(Compression.NONE).append(1, null, new byte[500]).build();
            assertThatThrownBy(() -> log.append(big)).isInstanceOf(InvalidBatchException.class)
                .extracting(e -> ((InvalidBatchException) e).reason()).isEqualTo(InvalidBatchException.Reason.TOO_LARGE);

            ByteBuffer oldMagic = batch(0, 1, 1);
            oldMagic.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
            assertThatThrownBy(() -> log.append(oldMagic)).isInstanceOf(InvalidBatchException.class)
                .extracting(e -> ((InvalidBatchException) e).reason())
                .isEqualTo(InvalidBatchException.Reason.UNSUPPORTED_MAGIC);

            assertThat(log.logEndOffset()).isZero();
            assertThat(log.size()).isZero();
        }
    }

    @Test
    void storesCompressedBatchesAsReceived() throws Exception {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().segmentBytes(1 << 20).build(), time)) {
            for (Compression c : Compression.values()) {
                RecordBatchBuilder b = RecordBatchBuilder.newBatch(c);
                for (int i = 0; i < 20; i++) b.append(5, null, ("payload-" + c + "-" + i).getBytes());
                ByteBuffer sent = b.build();
                ByteBuffer copy = ByteBuffer.allocate(sent.remaining()).put(sent.duplicate()).flip();
                LogAppendInfo info = log.append(sent);
                ByteBuffer stored = log.read(info.firstOffset(), 1 << 20, Isolation.LOG_END, true).records().readFully();
                stored.limit(copy.remaining());
                // Identical but for the base offset the log assigned (outside the CRC).
                copy.putLong(0, info.firstOffset());
                assertThat(stored).isEqualTo(copy);
            }
            List<Record> all = readAll(log, 0, Isolation.LOG_END);
            assertThat(all).hasSize(20 * Compression.values().length);
            assertThat(TestLogs.string(all.get(20 * 3 + 7).value())).isEqualTo("payload-LZ4-7");
        }
    }

    @Test
    void logAppendTimeOverridesTheProducerTimestamp() {
        LogConfig config = TestLogs.smallConfig().timestampType(LogConfig.TimestampType.LOG_APPEND_TIME).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            LogAppendInfo info = log.append(batch(0, 2, 42));
            assertThat(info.logAppendTimeMs()).isEqualTo(time.milliseconds());
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::timestamp)
                .containsOnly(time.milliseconds());
        }
    }

    @Test
    void findsTheFirstOffsetAtOrAfterATimestamp() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            for (int i = 0; i < 200; i++) log.append(batch(i, 1, 1000 + i * 10L));
            assertThat(log.numberOfSegments()).isGreaterThan(2);
            assertThat(log.offsetForTimestamp(0)).get().extracting(TimestampAndOffset::offset).isEqualTo(0L);
            assertThat(log.offsetForTimestamp(1000 + 57 * 10)).get().extracting(TimestampAndOffset::offset).isEqualTo(57L);
            assertThat(log.offsetForTimestamp(1000 + 57 * 10 + 1)).get().extracting(TimestampAndOffset::offset)
                .isEqualTo(58L);
            assertThat(log.offsetForTimestamp(1000 + 199 * 10 + 1)).isEmpty();
            // The answer carries the found record's own timestamp, not the one asked for.
            assertThat(log.offsetForTimestamp(1000 + 57 * 10 + 1)).get().isEqualTo(new TimestampAndOffset(1000 + 58 * 10, 58));
            assertThat(log.maxTimestamp()).get().isEqualTo(new TimestampAndOffset(1000 + 199 * 10, 199));
        }
    }

    @Test
    void timeLookupsAreExactToTheRecordInsideBatches() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.LZ4);
            long[] timestamps = {500, 900, 700, 900, 600};
            for (long ts : timestamps) b.append(ts, null, ("at-" + ts).getBytes());
            log.append(b.build());
            assertThat(log.offsetForTimestamp(650)).get().isEqualTo(new TimestampAndOffset(900, 1));
            assertThat(log.offsetForTimestamp(501)).get().isEqualTo(new TimestampAndOffset(900, 1));
            assertThat(log.offsetForTimestamp(500)).get().isEqualTo(new TimestampAndOffset(500, 0));
            // Largest timestamp: the first record carrying it, not the batch's last offset.
            assertThat(log.maxTimestamp()).get().isEqualTo(new TimestampAndOffset(900, 1));
        }
    }

    @Test
    void truncateToRemovesTheTailAcrossSegments() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            for (int i = 0; i < 100; i++) log.append(batch(i * 2, 2, 1));
            log.highWatermarkToLogEnd();
            log.truncateTo(61 * 2);
            assertThat(log.logEndOffset()).isEqualTo(122);
            assertThat(log.highWatermark()).isEqualTo(122);
            assertThat(log.append(batch(0, 1, 1)).firstOffset()).isEqualTo(122);
            assertThat(readAll(log, 0, Isolation.LOG_END)).hasSize(123);
        }
    }

    @Test
    void reopensAfterCleanCloseWithSameContents() {
        LogConfig config = TestLogs.smallConfig().build();
        long end;
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 50; i++) log.append(batch(i * 3, 3, 1000 + i));
            end = log.logEndOffset();
            log.highWatermarkToLogEnd();
        }
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(end, 0, end), true, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.highWatermark()).isEqualTo(end);
            assertThat(readAll(log, 0, Isolation.HIGH_WATERMARK)).hasSize(150);
            assertThat(log.offsetForTimestamp(1000 + 40)).get().extracting(TimestampAndOffset::offset).isEqualTo(120L);
            assertThat(log.append(batch(0, 1, 1)).firstOffset()).isEqualTo(end);
        }
    }

    @Test
    void deleteRecordsMovesTheLogStartOffset() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            for (int i = 0; i < 100; i++) log.append(batch(i * 2, 2, time.milliseconds()));
            log.highWatermarkToLogEnd();
            long secondBase = new java.util.ArrayList<>(log.segments()).get(1).baseOffset();
            long target = secondBase + 3;
            assertThat(log.deleteRecordsBefore(target)).isEqualTo(target);
            assertThatThrownBy(() -> log.read(target - 1, 100, Isolation.LOG_END, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(readAll(log, target, Isolation.LOG_END).get(0).offset()).isEqualTo(target);
            int before = log.numberOfSegments();
            assertThat(log.deleteOldSegments()).isPositive();
            assertThat(log.numberOfSegments()).isLessThan(before);
            assertThat(log.segments().iterator().next().baseOffset()).isEqualTo(secondBase);
            assertThat(log.logStartOffset()).isEqualTo(target);
        }
    }
}
