package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.KafkaIndexModel.Batch;
import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .index} and {@code .timeindex} files hold what Apache Kafka writes for the same batches
 * (entries of batches' last offsets), and every lookup through them stays exact.
 */
class SegmentIndexesTest {
    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    @Test
    void eachEntryHoldsTheLastOffsetOfTheBatchItPointsAt() throws Exception {
        // An interval of one byte indexes every batch but the first, as in Kafka.
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).indexIntervalBytes(1).build();
        long[] timestamps = {1_000, 3_000, 2_000, 4_000};
        List<Integer> sizes = new ArrayList<>();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < timestamps.length; i++) {
                ByteBuffer b = batch(i * 3, 3, timestamps[i]);
                sizes.add(b.remaining());
                log.append(b);
            }
        }
        int p1 = sizes.get(0);
        int p2 = p1 + sizes.get(1);
        int p3 = p2 + sizes.get(2);
        assertThat(KafkaIndexModel.offsetEntries(KafkaIndexModel.indexFile(dir, 0), 0))
            .containsExactly(new OffsetPosition(5, p1), new OffsetPosition(8, p2), new OffsetPosition(11, p3));
        // The max timestamp so far, at the last offset of the batch that first carried it; 2,000 went back.
        assertThat(KafkaIndexModel.timeEntries(KafkaIndexModel.timeIndexFile(dir, 0), 0))
            .containsExactly(new TimestampAndOffset(3_000, 5), new TimestampAndOffset(4_000, 11));
    }

    @Test
    void aClosedSegmentsTimeIndexEndsWithItsMaximumTimestamp() throws Exception {
        // Too few bytes for any index entry while active: the maximum is indexed at close, as Kafka does.
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).indexIntervalBytes(4096).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(batch(0, 2, 5_000));
            log.append(batch(2, 4, 7_000));
            log.append(batch(6, 3, 6_000));
            assertThat(log.activeSegment().timeIndex().entries()).isZero();
        }
        assertThat(Files.size(KafkaIndexModel.indexFile(dir, 0))).isZero();
        assertThat(KafkaIndexModel.timeEntries(KafkaIndexModel.timeIndexFile(dir, 0), 0))
            .containsExactly(new TimestampAndOffset(7_000, 5));
    }

    @Test
    void everySegmentOfAMixedLogIsIndexedAsKafkaIndexesItAndSurvivesARestart() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(8192).indexIntervalBytes(300).build();
        long end;
        try (Log log = TestLogs.open(dir, config, time)) {
            appendMixed(log, 400);
            end = log.logEndOffset();
            assertThat(log.numberOfSegments()).isGreaterThan(3);
        }
        List<List<OffsetPosition>> before = new ArrayList<>();
        for (long base : baseOffsets()) {
            List<Batch> batches = KafkaIndexModel.batches(LogSegment.logFile(dir, base));
            List<OffsetPosition> entries = KafkaIndexModel.offsetEntries(KafkaIndexModel.indexFile(dir, base), base);
            assertThat(entries).as("segment %d", base).isNotEmpty()
                .isEqualTo(KafkaIndexModel.expectedOffsetEntries(batches, 300));
            assertThat(entries).as("some entries fall on batches of several records, where the layouts differ")
                .anySatisfy(e -> assertThat(batchAt(batches, e.position()).baseOffset()).isLessThan(e.offset()));
            assertThat(KafkaIndexModel.timeEntries(KafkaIndexModel.timeIndexFile(dir, base), base))
                .as("segment %d", base).isEqualTo(KafkaIndexModel.expectedTimeEntries(batches, 300));
            before.add(entries);
        }
        // A clean restart trusts the files as they are, and a recovery rebuilds them the same.
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(end, 0, end), true, time, null)) {
            assertThat(readAll(log, 0, Isolation.LOG_END)).hasSize((int) end);
        }
        assertThat(allOffsetEntries()).isEqualTo(before);
        try (Log log = Log.open(dir, config, CheckpointedOffsets.NONE, false, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
        }
        assertThat(allOffsetEntries()).isEqualTo(before);
    }

    @Test
    void aReadFromAnyOffsetInsideABatchStartsAtThatBatch() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(8192).indexIntervalBytes(200).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            appendMixed(log, 300);
            log.highWatermarkToLogEnd();
            for (LogSegment segment : log.segments()) {
                List<Batch> batches = KafkaIndexModel.batches(segment.logFile());
                for (Batch b : batches) {
                    for (long offset = b.baseOffset(); offset <= b.lastOffset(); offset++) {
                        assertThat(segment.offsetIndex().lookup(offset).offset()).isLessThanOrEqualTo(offset);
                        assertThat(segment.translateOffset(offset, segment.size()))
                            .as("offset %d", offset).isEqualTo(new OffsetPosition(b.baseOffset(), b.position()));
                    }
                }
            }
            for (long offset = 0; offset < log.logEndOffset(); offset++) {
                assertThat(readAll(log, offset, Isolation.HIGH_WATERMARK).get(0).offset()).isEqualTo(offset);
            }
        }
    }

    @Test
    void truncationKeepsTheEntriesOfTheBatchesKeptAndAppendsGoOnInKafkasLayout() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).indexIntervalBytes(100).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 40; i++) log.append(batch(i * 4, 4, 10_000 + i));
            LogSegment segment = log.activeSegment();
            List<OffsetPosition> entries = entries(segment.offsetIndex());
            List<TimestampAndOffset> times = entries(segment.timeIndex());
            long cut = 4 * 25; // a batch boundary
            log.truncateTo(cut);
            assertThat(entries(segment.offsetIndex()))
                .isEqualTo(entries.stream().filter(e -> e.offset() < cut).toList()).isNotEmpty();
            assertThat(entries(segment.timeIndex()))
                .isEqualTo(times.stream().filter(e -> e.offset() < cut).toList()).isNotEmpty();
            assertThat(segment.maxTimestampSoFar()).isEqualTo(10_024);
            assertThat(segment.offsetOfMaxTimestamp()).isEqualTo(cut - 1);
            for (int i = 25; i < 50; i++) log.append(batch(i * 4, 4, 20_000 + i));
            List<Batch> batches = KafkaIndexModel.batches(segment.logFile());
            assertThat(entries(segment.offsetIndex()))
                .allSatisfy(e -> assertThat(batchAt(batches, e.position()).lastOffset()).isEqualTo(e.offset()))
                .anySatisfy(e -> assertThat(e.offset()).isGreaterThan(cut));
            log.highWatermarkToLogEnd();
            assertThat(readAll(log, 0, Isolation.HIGH_WATERMARK)).extracting(Record::offset)
                .containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());
            assertThat(log.offsetForTimestamp(20_030)).contains(new TimestampAndOffset(20_030, 120));
        }
    }

    @Test
    void lookupsByTimeAreExactWhenTimestampsGoBackAndForth() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(4096).indexIntervalBytes(150).build();
        long[] timestamps = new long[60];
        Random random = new Random(7);
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < timestamps.length; i++) {
                timestamps[i] = 1_000 + random.nextInt(500);
                log.append(batch(i * 3, 3, timestamps[i]));
            }
            log.highWatermarkToLogEnd();
            for (long target = 990; target <= 1_510; target += 7) {
                Long expected = null;
                for (int i = 0; i < timestamps.length && expected == null; i++) {
                    if (timestamps[i] >= target) expected = (long) i * 3;
                }
                if (expected == null) {
                    assertThat(log.offsetForTimestamp(target)).as("target %d", target).isEmpty();
                } else {
                    assertThat(log.offsetForTimestamp(target).map(TimestampAndOffset::offset))
                        .as("target %d", target).contains(expected);
                }
            }
        }
    }

    /** Batches of 1 to 12 records, uncompressed and in every codec, with timestamps that go back sometimes. */
    private void appendMixed(Log log, int batches) {
        Random random = new Random(42);
        Compression[] codecs = Compression.values();
        for (int i = 0; i < batches; i++) {
            RecordBatchBuilder b = RecordBatchBuilder.newBatch(codecs[i % codecs.length]);
            int count = 1 + random.nextInt(12);
            long ts = time.milliseconds() + i * 10L - random.nextInt(40);
            for (int r = 0; r < count; r++) {
                b.append(ts + r, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i + "-" + r + "-" + "x".repeat(random.nextInt(60))).getBytes(StandardCharsets.UTF_8));
            }
            log.append(b.build());
        }
    }

    private static Batch batchAt(List<Batch> batches, int position) {
        return batches.stream().filter(b -> b.position() == position).findFirst()
            .orElseThrow(() -> new AssertionError("no batch starts at " + position));
    }

    private List<Long> baseOffsets() throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
                .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }

    private List<List<OffsetPosition>> allOffsetEntries() throws Exception {
        List<List<OffsetPosition>> out = new ArrayList<>();
        for (long base : baseOffsets()) out.add(KafkaIndexModel.offsetEntries(KafkaIndexModel.indexFile(dir, base), base));
        return out;
    }

    private static List<OffsetPosition> entries(OffsetIndex index) {
        List<OffsetPosition> out = new ArrayList<>();
        for (int i = 0; i < index.entries(); i++) out.add(index.entry(i));
        return out;
    }

    private static List<TimestampAndOffset> entries(TimeIndex index) {
        List<TimestampAndOffset> out = new ArrayList<>();
        for (int i = 0; i < index.entries(); i++) out.add(index.entry(i));
        return out;
    }
}
