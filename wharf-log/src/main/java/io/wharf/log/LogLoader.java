package io.wharf.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a log directory: finishes or discards what a crash interrupted, opens the segments, and
 * recovers those that may hold unflushed data.
 *
 * <ol>
 *   <li>{@code .cleaned} files (a cleaner pass not yet committed) are deleted; {@code .deleted} files
 *       (segments already removed from the log) are deleted.</li>
 *   <li>A {@code .swap} segment is a committed cleaner pass: its {@code .swapend} marker holds the end
 *       of the offset range it replaces, so the originals in [base, end) are deleted and the swap
 *       renamed into place, then recovered (its indexes are rebuilt).</li>
 *   <li>After an unclean shutdown, every segment from the one holding the recovery point onwards is
 *       recovered ({@link LogSegment#recover}): the first torn or corrupt batch and everything after it,
 *       in that segment and all later ones, is removed. Nothing below the recovery point is touched.</li>
 *   <li>Every other segment's indexes are checked ({@link SegmentIndexCheck}) and rebuilt if damaged or
 *       in the base-offset layout of older Wharf versions.</li>
 *   <li>The log then loads its producer state ({@link ProducerStateLoader}): after a clean shutdown from
 *       the snapshot taken at close, after an unclean one by replaying from the recovery point, which also
 *       restores the transaction index entries of recovered segments.</li>
 * </ol>
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    static final String SWAP_END_SUFFIX = ".swapend";

    private LogLoader() {
    }

    static Log load(Path dir, LogConfig config, CheckpointedOffsets checkpoints, boolean cleanShutdown, Time time,
                    ScheduledExecutorService scheduler) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create log directory " + dir, e);
        }
        long now = time.milliseconds();
        List<Path> files = list(dir);
        List<Long> swapBases = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(Log.CLEANED_SUFFIX) || name.endsWith(Log.DELETED_SUFFIX)) {
                delete(f);
            } else if (name.endsWith(LogSegment.LOG_SUFFIX + Log.SWAP_SUFFIX)) {
                swapBases.add(LogFiles.baseOffsetOf(f));
            }
        }
        for (long base : swapBases) completeSwap(dir, base);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        List<Long> bases = new ArrayList<>();
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            long base = LogFiles.baseOffsetOf(f);
            if (base >= 0 && name.endsWith(LogSegment.LOG_SUFFIX)) {
                bases.add(base);
            } else if (base >= 0 && (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                || name.endsWith(LogSegment.TXN_INDEX_SUFFIX)) && !Files.exists(LogSegment.logFile(dir, base))) {
                delete(f); // an index whose segment is gone
            }
        }
        bases.sort(Long::compare);
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            boolean indexMissing = !Files.exists(LogSegment.indexFile(dir, base))
                || !Files.exists(LogSegment.timeIndexFile(dir, base));
            // Mapped writable while loading, since recovery may rebuild any index; trimmed below.
            LogSegment segment = LogSegment.open(dir, base, config, "", true, now);
            segments.put(base, segment);
            if (indexMissing) segment.recover(Integer.MAX_VALUE);
        }
        if (segments.isEmpty()) {
            long start = Math.max(0, checkpoints.logStartOffset());
            segments.put(start, LogSegment.open(dir, start, config, "", true, now));
        }
        if (!cleanShutdown) {
            recover(dir, segments, checkpoints.recoveryPoint());
        } else {
            for (LogSegment segment : segments.values()) loadIndexes(segment);
        }
        LogSegment active = segments.lastEntry().getValue();
        for (LogSegment segment : segments.headMap(active.baseOffset(), false).values()) segment.onBecomeInactive();
        active.onBecomeActive(config);
        long producerReplayPoint = cleanShutdown ? Long.MAX_VALUE : checkpoints.recoveryPoint();
        return new Log(dir, config, time, scheduler, segments, checkpoints.logStartOffset(),
            checkpoints.recoveryPoint(), checkpoints.highWatermark(), producerReplayPoint);
    }

    private static void recover(Path dir, ConcurrentSkipListMap<Long, LogSegment> segments, long recoveryPoint) {
        Long from = segments.floorKey(recoveryPoint);
        if (from == null) from = segments.firstKey();
        Map<Long, LogSegment> unflushed = segments.tailMap(from, true);
        boolean truncated = false;
        for (LogSegment segment : new ArrayList<>(unflushed.values())) {
            if (truncated) {
                LOG.warn("Deleting segment {} of {}: it follows a corrupt batch", segment.baseOffset(), dir);
                segments.remove(segment.baseOffset());
                segment.closeAndDelete();
                continue;
            }
            int cut = segment.recover(Integer.MAX_VALUE);
            if (cut > 0) {
                LOG.warn("Recovery of {} cut {} bytes of torn or corrupt data at position {}", segment.logFile(), cut,
                    segment.size());
                truncated = true;
            }
        }
        for (LogSegment segment : segments.headMap(from, false).values()) loadIndexes(segment);
        LOG.info("Recovered {} from offset {}: {} segment(s) checked{}", dir, recoveryPoint, unflushed.size(),
            truncated ? ", corrupt tail removed" : ", all intact");
    }

    /** Trusts a segment's indexes if they pass {@link SegmentIndexCheck}, else rebuilds them from its log. */
    private static void loadIndexes(LogSegment segment) {
        switch (SegmentIndexCheck.check(segment)) {
            case SANE -> segment.loadTimestamps();
            case OLDER_WHARF_LAYOUT -> {
                LOG.info("Index of {} holds batch base offsets, as an older Wharf wrote it; rebuilding it in "
                    + "Kafka's layout (batch last offsets)", segment.logFile());
                segment.recover(Integer.MAX_VALUE);
            }
            case INCONSISTENT -> {
                LOG.warn("Index of {} is inconsistent with its log; rebuilding", segment.logFile());
                segment.recover(Integer.MAX_VALUE);
            }
        }
    }

    /** Finishes a cleaner swap interrupted by a crash. */
    private static void completeSwap(Path dir, long base) {
        Path marker = dir.resolve(LogSegment.fileStem(base) + SWAP_END_SUFFIX);
        long end;
        try {
            end = Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("Swap segment " + base + " in " + dir + " has no readable "
                + SWAP_END_SUFFIX + " marker; cannot tell which segments it replaces", e);
        }
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            long b = LogFiles.baseOffsetOf(f);
            boolean replaced = !name.endsWith(Log.SWAP_SUFFIX) && !name.endsWith(SWAP_END_SUFFIX)
                && !name.endsWith(ProducerSnapshotFile.SUFFIX); // snapshots describe offsets, not files
            if (b >= base && b < end && replaced) delete(f);
        }
        for (String suffix : new String[] {LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX,
            LogSegment.TXN_INDEX_SUFFIX}) {
            Path swap = dir.resolve(LogSegment.fileStem(base) + suffix + Log.SWAP_SUFFIX);
            if (Files.exists(swap)) {
                try {
                    Files.move(swap, dir.resolve(LogSegment.fileStem(base) + suffix));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot complete swap of " + swap, e);
                }
            }
        }
        // The swapped-in indexes may not have been flushed: drop them so the segment is re-indexed. Its
        // transaction index was flushed with the cleaned log and stays.
        delete(LogSegment.indexFile(dir, base));
        delete(LogSegment.timeIndexFile(dir, base));
        delete(marker);
        LOG.info("Completed an interrupted compaction swap of segment {} in {}", base, dir);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + f, e);
        }
    }
}
