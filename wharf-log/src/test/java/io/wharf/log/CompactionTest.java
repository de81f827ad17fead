package io.wharf.log;

import static io.wharf.log.TestLogs.keyed;
import static io.wharf.log.TestLogs.readAll;
import static io.wharf.log.TestLogs.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
    private static final long DAY = 24 * 3600_000L;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private LogConfig compacted() {
        return TestLogs.smallConfig().segmentBytes(1024).cleanupPolicy(LogConfig.CleanupPolicy.COMPACT)
            .deleteRetentionMs(DAY).build();
    }

    private static Map<String, String> latest(List<Record> records) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Record r : records) m.put(string(r.key()), string(r.value()));
        return m;
    }

    @Test
    void keepsTheLastRecordOfEveryKeyWithOriginalOffsets() {
        try (Log log = TestLogs.open(dir, compacted(), time)) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String key = "key-" + (i % 10);
                log.append(keyed(time.milliseconds(), key, "value-" + i));
                keys.add(key);
            }
            log.highWatermarkToLogEnd();
            long sizeBefore = log.size();
            Map<String, String> before = latest(readAll(log, 0, Isolation.LOG_END));

            long cleanedTo = new Compactor(log, 1000).compact(0);

            assertThat(cleanedTo).isEqualTo(log.activeSegment().baseOffset());
            // Below the cleaned point each key keeps only its last occurrence below that point.
            Map<String, Long> lastOffset = new HashMap<>();
            for (int o = 0; o < cleanedTo; o++) lastOffset.put(keys.get(o), (long) o);
            assertThat(log.size()).isLessThan(sizeBefore / 3);
            List<Record> after = readAll(log, 0, Isolation.LOG_END);
            assertThat(latest(after)).isEqualTo(before);
            for (Record r : after) {
                String key = string(r.key());
                if (r.offset() < cleanedTo) assertThat(r.offset()).as("offset of %s", key).isEqualTo(lastOffset.get(key));
            }
            assertThat(after).extracting(Record::offset).isSorted().doesNotHaveDuplicates();
            assertThat(log.logEndOffset()).isEqualTo(300);
            assertThat(log.append(keyed(1, "x", "y")).firstOffset()).isEqualTo(300);
        }
    }

    @Test
    void dropsTombstonesOnlyAfterDeleteRetention() {
        try (Log log = TestLogs.open(dir, compacted(), time)) {
            for (int i = 0; i < 50; i++) log.append(keyed(time.milliseconds(), "k" + (i % 5), "v" + i));
            log.append(keyed(time.milliseconds(), "k0", null));
            for (int i = 0; i < 40; i++) log.append(keyed(time.milliseconds(), "filler" + i, "f"));
            log.highWatermarkToLogEnd();
            Compactor compactor = new Compactor(log, 1000);
            long firstDirty = compactor.compact(0);
            Map<String, String> afterFirst = latest(readAll(log, 0, Isolation.LOG_END));
            assertThat(afterFirst).containsEntry("k0", null).containsEntry("k1", "v46");

            time.advance(DAY + 1);
            for (int i = 0; i < 40; i++) log.append(keyed(time.milliseconds(), "more" + i, "m"));
            log.highWatermarkToLogEnd();
            new Compactor(log, 1000).compact(firstDirty);
            Map<String, String> afterSecond = latest(readAll(log, 0, Isolation.LOG_END));
            assertThat(afterSecond).doesNotContainKey("k0").containsEntry("k1", "v46").containsEntry("k4", "v49");
        }
    }

    @Test
    void compactsCompressedBatchesAndKeepsUnkeyedRecords() {
        try (Log log = TestLogs.open(dir, compacted(), time)) {
            for (int round = 0; round < 30; round++) {
                RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.GZIP);
                for (int k = 0; k < 4; k++) {
                    b.append(time.milliseconds(), ("k" + k).getBytes(StandardCharsets.UTF_8),
                        ("r" + round).getBytes(StandardCharsets.UTF_8));
                }
                b.append(time.milliseconds(), null, ("unkeyed" + round).getBytes(StandardCharsets.UTF_8));
                log.append(b.build());
            }
            log.highWatermarkToLogEnd();
            long cleanedTo = new Compactor(log, 1000).compact(0);
            List<Record> after = readAll(log, 0, Isolation.LOG_END);
            long unkeyed = after.stream().filter(r -> !r.hasKey()).count();
            assertThat(unkeyed).isEqualTo(30);
            assertThat(after.stream().filter(r -> r.hasKey() && r.offset() < cleanedTo)
                .map(r -> string(r.key())).toList()).doesNotHaveDuplicates();
            assertThat(latest(after.stream().filter(Record::hasKey).toList())).containsEntry("k2", "r29");
        }
    }

    @Test
    void appendsAndReadsGoOnWhileTheCleanerRuns() throws Exception {
        try (Log log = TestLogs.open(dir, compacted(), time)) {
            for (int i = 0; i < 500; i++) log.append(keyed(time.milliseconds(), "k" + (i % 20), "v" + i));
            log.highWatermarkToLogEnd();
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    int i = 500;
                    // Bounded, so that the segments (one open file each) stay well under the fd limit.
                    while (!done.get() && i < 3000) {
                        log.append(keyed(time.milliseconds(), "k" + (i % 20), "v" + i));
                        log.highWatermarkToLogEnd();
                        i++;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            long firstDirty = 0;
            for (int pass = 0; pass < 5; pass++) firstDirty = new Compactor(log, 10_000).compact(firstDirty);
            done.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            List<Record> after = readAll(log, 0, Isolation.LOG_END);
            assertThat(after).extracting(Record::offset).isSorted().doesNotHaveDuplicates();
            assertThat(after.get(after.size() - 1).offset()).isEqualTo(log.logEndOffset() - 1);
        }
    }

    @Test
    void anInterruptedSwapIsCompletedOnTheNextStart() throws Exception {
        Path dir = this.dir.resolve("log-0");
        LogConfig config = compacted();
        Map<String, String> expected;
        long end;
        List<Long> basesBefore;
        try (Log log = TestLogs.open(dir, config, time)) {
            for (int i = 0; i < 200; i++) log.append(keyed(time.milliseconds(), "k" + (i % 7), "v" + i));
            log.highWatermarkToLogEnd();
            expected = latest(readAll(log, 0, Isolation.LOG_END));
            end = log.logEndOffset();
            basesBefore = log.segments().stream().map(LogSegment::baseOffset).toList();
        }
        // Simulate a crash after the cleaned segment was renamed .swap but before the originals were
        // removed: write the swap by hand from a compacted copy of the log.
        Path copyDir = dir.resolveSibling("copy-0");
        Files.createDirectories(copyDir);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.copy(f, copyDir.resolve(f.getFileName()));
        }
        List<Long> basesAfter;
        try (Log copy = Log.open(copyDir, config, CheckpointedOffsets.NONE, false, time, null)) {
            copy.highWatermarkToLogEnd();
            new Compactor(copy, 1000).compact(0);
            // A second full pass merges the segments the first one emptied into one group.
            new Compactor(copy, 1000).compact(0);
            basesAfter = copy.segments().stream().map(LogSegment::baseOffset).toList();
        }
        long swapBase = basesAfter.get(0);
        long swapEnd = basesAfter.size() > 1 ? basesAfter.get(1) : end;
        for (String suffix : new String[] {".log", ".index", ".timeindex"}) {
            Files.copy(copyDir.resolve(LogSegment.fileStem(swapBase) + suffix),
                dir.resolve(LogSegment.fileStem(swapBase) + suffix + ".swap"));
        }
        Files.writeString(dir.resolve(LogSegment.fileStem(swapBase) + ".swapend"), Long.toString(swapEnd));
        assertThat(basesBefore.size()).isGreaterThan(basesAfter.size());

        try (Log log = Log.open(dir, config, CheckpointedOffsets.NONE, false, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
            List<Record> records = readAll(log, 0, Isolation.LOG_END);
            assertThat(latest(records)).isEqualTo(expected);
            assertThat(records).extracting(Record::offset).isSorted().doesNotHaveDuplicates();
            List<String> leftovers = new ArrayList<>();
            try (var files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".swap") || n.endsWith(".swapend"))
                    .forEach(leftovers::add);
            }
            assertThat(leftovers).isEmpty();
        }
    }

    /**
     * max.compaction.lag.ms: a log whose dirty part is far below min.cleanable.dirty.ratio is left alone
     * until its oldest dirty segment is older than the lag; then the cleaner compacts it anyway.
     */
    @Test
    void theCleanerCompactsBelowTheDirtyRatioOnceDirtOutlivesTheMaxCompactionLag() throws Exception {
        LogConfig config = compacted().toBuilder().minCleanableDirtyRatio(0.9).maxCompactionLagMs(60_000).build();
        LogManagerSettings settings = new LogManagerSettings(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, false, 0, 1000);
        LogManager manager = new LogManager(List.of(dir.resolve("logs")), config, settings, time);
        manager.startup();
        try {
            Log log = manager.getOrCreateLog(new LogId("lagged", 0), config);
            for (int i = 0; i < 100; i++) log.append(keyed(time.milliseconds(), "key-" + (i % 10), "first-" + i));
            log.roll();
            log.highWatermarkToLogEnd();
            manager.compactNow(); // the whole log is now clean: one record per key
            long cleanSize = log.size();
            // A little dirt: a few overwrites, in a segment of their own, well under 90% of the log.
            for (int i = 0; i < 3; i++) log.append(keyed(time.milliseconds(), "key-" + i, "second-" + i));
            log.roll();
            log.append(keyed(time.milliseconds(), "active", "a"));
            log.highWatermarkToLogEnd();
            LogCleaner cleaner = new LogCleaner(manager, 0, 1000);

            cleaner.cleanAll(false);
            assertThat(latestCount(log, "key-0")).as("below the ratio and within the lag: not cleaned").isEqualTo(2);

            time.advance(60_001);
            cleaner.cleanAll(false);
            assertThat(latestCount(log, "key-0")).as("past the lag: cleaned").isEqualTo(1);
            assertThat(latest(readAll(log, 0, Isolation.LOG_END))).containsEntry("key-0", "second-0")
                .containsEntry("key-5", "first-95");
            assertThat(log.size()).isLessThan(cleanSize + 200);
        } finally {
            manager.close();
        }
    }

    private static long latestCount(Log log, String key) {
        return readAll(log, 0, Isolation.LOG_END).stream().filter(r -> key.equals(string(r.key()))).count();
    }
}
