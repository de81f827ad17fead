package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final long HOUR = 3600_000L;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private static long countLogFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log")).count();
        }
    }

    @Test
    void deletesWholeSegmentsOlderThanRetentionMs() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1024).retentionMs(168 * HOUR).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 40; i++) log.append(batch(i, 1, time.milliseconds()));
            time.advance(100 * HOUR);
            for (int i = 40; i < 80; i++) log.append(batch(i, 1, time.milliseconds()));
            log.highWatermarkToLogEnd();
            int segmentsBefore = log.numberOfSegments();
            assertThat(log.deleteOldSegments()).isZero();

            time.advance(70 * HOUR); // the first 40 records are now 170 h old, the rest 70 h
            int deleted = log.deleteOldSegments();
            assertThat(deleted).isPositive();
            assertThat(log.numberOfSegments()).isEqualTo(segmentsBefore - deleted);
            List<LogSegment> left = new ArrayList<>(log.segments());
            // Only whole segments go: the first one left may still hold a few old records, none newer went.
            assertThat(log.logStartOffset()).isEqualTo(left.get(0).baseOffset()).isLessThanOrEqualTo(40);
            assertThat(readAll(log, log.logStartOffset(), Isolation.HIGH_WATERMARK))
                .extracting(r -> r.offset()).contains(40L, 79L);
            assertThat(countLogFiles(dir)).isEqualTo(log.numberOfSegments());
        }
    }

    @Test
    void anExpiredActiveSegmentIsRolledSoTheLogKeepsOneEmptySegment() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1 << 20).retentionMs(HOUR).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 10; i++) log.append(batch(i, 1, time.milliseconds()));
            log.highWatermarkToLogEnd();
            time.advance(2 * HOUR);
            assertThat(log.deleteOldSegments()).isEqualTo(1);
            assertThat(log.numberOfSegments()).isEqualTo(1);
            assertThat(log.activeSegment().isEmpty()).isTrue();
            assertThat(log.logStartOffset()).isEqualTo(10);
            assertThat(log.logEndOffset()).isEqualTo(10);
            assertThat(log.append(batch(0, 1, time.milliseconds())).firstOffset()).isEqualTo(10);
        }
    }

    @Test
    void deletesOldestSegmentsBeyondRetentionBytes() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1024).retentionMs(-1).retentionBytes(3000).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 200; i++) log.append(batch(i, 1, time.milliseconds()));
            log.highWatermarkToLogEnd();
            long sizeBefore = log.size();
            assertThat(sizeBefore).isGreaterThan(3000);
            log.deleteOldSegments();
            assertThat(log.size()).isLessThanOrEqualTo(3000 + 1024);
            assertThat(log.size() - log.segments().iterator().next().size()).isLessThan(3000);
            assertThat(log.logEndOffset()).isEqualTo(200);
            assertThat(readAll(log, log.logStartOffset(), Isolation.HIGH_WATERMARK).get(0).offset())
                .isEqualTo(log.logStartOffset());
        }
    }

    @Test
    void unlimitedRetentionDeletesNothing() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1024).retentionMs(-1).retentionBytes(-1).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 100; i++) log.append(batch(i, 1, time.milliseconds()));
            log.highWatermarkToLogEnd();
            time.advance(10_000 * HOUR);
            assertThat(log.deleteOldSegments()).isZero();
            assertThat(log.logStartOffset()).isZero();
        }
    }

    @Test
    void neverDeletesDataAboveTheHighWatermark() {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1024).retentionMs(HOUR).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 100; i++) log.append(batch(i, 1, time.milliseconds()));
            log.updateHighWatermark(0);
            time.advance(2 * HOUR);
            assertThat(log.deleteOldSegments()).isZero();
            assertThat(log.logStartOffset()).isZero();
        }
    }

    @Test
    void aReaderKeepsItsSliceWhileRetentionDeletesTheSegment() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(1024).retentionMs(HOUR).fileDeleteDelayMs(60_000).build();
        var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Log log = Log.open(dir, config, CheckpointedOffsets.NONE, false, time, scheduler)) {
            for (int i = 0; i < 50; i++) log.append(batch(i, 1, time.milliseconds()));
            log.highWatermarkToLogEnd();
            FileSlice slice = log.read(0, 1 << 20, Isolation.HIGH_WATERMARK, true).records();
            time.advance(2 * HOUR);
            assertThat(log.deleteOldSegments()).isPositive();
            assertThat(slice.readFully().remaining()).isEqualTo(slice.size());
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.filter(p -> p.toString().endsWith(".deleted"))).isNotEmpty();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }
}
