package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.KafkaIndexModel.Batch;
import io.wharf.log.record.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments whose indexes an older Wharf wrote (entries of batches' base offsets) are read correctly and
 * rebuilt in Kafka's layout at load; damaged indexes are rebuilt too.
 */
class SegmentIndexCheckTest {
    private static final int INTERVAL = 100;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);
    private final LogConfig config = TestLogs.smallConfig().segmentBytes(2048).indexIntervalBytes(INTERVAL).build();

    /** Five-record batches over several segments; returns the log end offset. */
    private long writeLog() {
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 60; i++) log.append(batch(i * 5, 5, 1_000 + i));
            assertThat(log.numberOfSegments()).isGreaterThan(2);
            return log.logEndOffset();
        }
    }

    /** Rewrites each entry of a closed segment's {@code .index} as Wharf wrote it before: the batch's base offset. */
    private void rewriteInOlderLayout(long base) throws IOException {
        Path index = KafkaIndexModel.indexFile(dir, base);
        List<Batch> batches = KafkaIndexModel.batches(LogSegment.logFile(dir, base));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(index));
        for (int at = 0; at + 8 <= bytes.limit(); at += 8) {
            int position = bytes.getInt(at + 4);
            Batch b = batches.stream().filter(x -> x.position() == position).findFirst().orElseThrow();
            bytes.putInt(at, (int) (b.baseOffset() - base));
        }
        Files.write(index, bytes.array());
    }

    private List<Long> baseOffsets() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
                .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }

    private void assertKafkaLayout() throws IOException {
        for (long base : baseOffsets()) {
            List<Batch> batches = KafkaIndexModel.batches(LogSegment.logFile(dir, base));
            assertThat(KafkaIndexModel.offsetEntries(KafkaIndexModel.indexFile(dir, base), base)).as("segment %d", base)
                .isNotEmpty().isEqualTo(KafkaIndexModel.expectedOffsetEntries(batches, INTERVAL));
        }
    }

    @Test
    void anOlderWharfIndexGivesExactLookupsAsItIs() throws IOException {
        writeLog();
        long base = baseOffsets().get(0);
        rewriteInOlderLayout(base);
        LogSegment segment = LogSegment.open(dir, base, config, "", false, time.milliseconds());
        try {
            assertThat(SegmentIndexCheck.check(segment)).isEqualTo(SegmentIndexCheck.Verdict.OLDER_WHARF_LAYOUT);
            for (Batch b : KafkaIndexModel.batches(segment.logFile())) {
                for (long offset = b.baseOffset(); offset <= b.lastOffset(); offset++) {
                    assertThat(segment.translateOffset(offset, segment.size()))
                        .as("offset %d", offset).isEqualTo(new OffsetPosition(b.baseOffset(), b.position()));
                }
            }
        } finally {
            segment.close();
        }
    }

    @Test
    void anOlderWharfIndexIsRebuiltInKafkasLayoutAfterACleanShutdown() throws IOException {
        long end = writeLog();
        for (long base : baseOffsets()) rewriteInOlderLayout(base);
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(end, 0, end), true, time, null)) {
            for (LogSegment s : log.segments()) {
                assertThat(SegmentIndexCheck.check(s)).isEqualTo(SegmentIndexCheck.Verdict.SANE);
            }
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::offset)
                .containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
            assertThat(log.offsetForTimestamp(1_030)).contains(new TimestampAndOffset(1_030, 150));
            assertThat(log.logEndOffset()).isEqualTo(end);
        }
        assertKafkaLayout();
    }

    @Test
    void anOlderWharfIndexBelowTheRecoveryPointIsRebuiltAfterAnUncleanShutdown() throws IOException {
        long end = writeLog();
        List<Long> bases = baseOffsets();
        for (long base : bases) rewriteInOlderLayout(base);
        // Recovery rebuilds the last segment anyway; the ones before it are checked.
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(bases.get(bases.size() - 1), 0, 0), false, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
        }
        assertKafkaLayout();
    }

    @Test
    void anEntryThatNamesNoBatchMakesTheIndexRebuilt() throws IOException {
        long end = writeLog();
        long base = baseOffsets().get(0);
        Path index = KafkaIndexModel.indexFile(dir, base);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(index));
        bytes.putInt(bytes.limit() - 4, bytes.getInt(bytes.limit() - 4) + 1); // last entry's position, off by one
        Files.write(index, bytes.array());
        LogSegment segment = LogSegment.open(dir, base, config, "", false, time.milliseconds());
        try {
            assertThat(SegmentIndexCheck.check(segment)).isEqualTo(SegmentIndexCheck.Verdict.INCONSISTENT);
        } finally {
            segment.close();
        }
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(end, 0, end), true, time, null)) {
            assertThat(readAll(log, 0, Isolation.LOG_END)).hasSize((int) end);
        }
        assertKafkaLayout();
    }

    @Test
    void aTimeIndexWhoseLastTimestampIsBelowItsFirstIsRebuilt() throws IOException {
        long end = writeLog();
        long base = baseOffsets().get(0);
        Path timeIndex = KafkaIndexModel.timeIndexFile(dir, base);
        List<TimestampAndOffset> before = KafkaIndexModel.timeEntries(timeIndex, base);
        assertThat(before).hasSizeGreaterThan(1);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(timeIndex));
        bytes.putLong(bytes.limit() - 12, 0L);
        Files.write(timeIndex, bytes.array());
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(end, 0, end), true, time, null)) {
            assertThat(log.offsetForTimestamp(1_001)).contains(new TimestampAndOffset(1_001, 5));
        }
        assertThat(KafkaIndexModel.timeEntries(timeIndex, base)).isEqualTo(before);
    }
}
