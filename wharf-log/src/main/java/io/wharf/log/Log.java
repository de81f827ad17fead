package io.wharf.log;

import io.wharf.log.record.Compression;
import io.wharf.log.record.CorruptRecordException;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's log: a directory of {@link LogSegment}s ordered by base offset, the last one active.
 *
 * <p>Offsets: the <em>log start offset</em> is the first readable offset; the <em>log end offset</em>
 * (LEO) is the offset the next append gets; the <em>high watermark</em> (HW, at most the LEO) bounds what
 * consumers may read; the <em>last stable offset</em> (LSO, at most the HW) is the first offset of the
 * oldest transaction still undecided, if that is lower, and bounds what read_committed consumers may read;
 * the <em>recovery point</em> is the offset below which everything is flushed to disk, so recovery after a
 * crash starts there.
 *
 * <p>Transactions: {@link ProducerStateManager} tracks the open ones, each segment's
 * {@link TransactionIndex} the aborted ones, and {@link ProducerSnapshots} (written at each roll and at
 * close) let a restart rebuild that state exactly ({@link ProducerStateLoader}).
 *
 * <p>Thread-safety: one writer at a time — appends, roll, truncation, retention and the cleaner's segment
 * swap hold {@link #lock}. Reads take no lock: the segment map is concurrent, and each read is bounded by
 * an immutable {@link LogOffsetMetadata} (the LEO, the HW or the LSO) published through a volatile field
 * after the bytes it covers are written.
 */
public final class Log implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Log.class);
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    private final Path dir;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ReentrantLock lock = new ReentrantLock();
    private final LogProducers producers;
    private volatile LogConfig config;
    private volatile LogOffsetMetadata endOffset;
    private volatile LogOffsetMetadata highWatermark;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    /** Serialises flushes, which run their fsync outside {@link #lock}. */
    private final Object flushLock = new Object();
    private volatile long lastFlushMs;
    private long unflushedMessages;
    /** The active segment's share of {@code segment.jitter.ms}, drawn when it became active. Under the lock. */
    private long activeSegmentJitterMs;
    private volatile boolean closed;

    /** Opened by {@link LogLoader}; producer state is replayed from {@code producerReplayPoint} at least. */
    Log(Path dir, LogConfig config, Time time, ScheduledExecutorService scheduler,
        ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, long recoveryPoint, long highWatermark,
        long producerReplayPoint) {
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = segments;
        LogSegment active = segments.lastEntry().getValue();
        this.endOffset = new LogOffsetMetadata(active.readNextOffset(), active.baseOffset(), active.size());
        this.logStartOffset = Math.min(Math.max(logStartOffset, segments.firstKey()), endOffset.offset());
        this.recoveryPoint = Math.min(recoveryPoint, endOffset.offset());
        this.lastFlushMs = time.milliseconds();
        this.highWatermark = endOffset;
        this.activeSegmentJitterMs = config.randomSegmentJitterMs();
        this.producers = new LogProducers(dir, this::metadataFor);
        producers.load(segments, endOffset.offset(), producerReplayPoint, this.logStartOffset);
        updateHighWatermark(Math.max(highWatermark, this.logStartOffset));
    }

    /**
     * Opens the log in {@code dir}, creating it if needed. Segments at or after the recovery point are
     * checked batch by batch unless the broker shut down cleanly; see {@link LogLoader}.
     */
    public static Log open(Path dir, LogConfig config, CheckpointedOffsets checkpoints, boolean cleanShutdown,
                           Time time, ScheduledExecutorService scheduler) {
        return LogLoader.load(dir, config, checkpoints, cleanShutdown, time, scheduler);
    }

    public Path dir() { return dir; }
    public LogConfig config() { return config; }
    public long logStartOffset() { return logStartOffset; }
    public long logEndOffset() { return endOffset.offset(); }
    public LogOffsetMetadata logEndOffsetMetadata() { return endOffset; }
    public long highWatermark() { return highWatermark.offset(); }
    public long recoveryPoint() { return recoveryPoint; }
    public int numberOfSegments() { return segments.size(); }
    public LogSegment activeSegment() { return segments.lastEntry().getValue(); }
    public Collection<LogSegment> segments() { return List.copyOf(segments.values()); }

    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) total += s.size();
        return total;
    }

    /**
     * Applies new settings to the following appends. A change of {@code segment.jitter.ms} (or of the roll
     * time it is bounded by) draws the active segment's jitter again, so that a log opened with the broker's
     * defaults and then given its topic's settings gets the topic's jitter.
     */
    public void updateConfig(LogConfig newConfig) {
        lock.lock();
        try {
            LogConfig old = config;
            config = newConfig;
            if (old.segmentJitterMs() != newConfig.segmentJitterMs() || old.maxSegmentMs() != newConfig.maxSegmentMs()) {
                activeSegmentJitterMs = newConfig.randomSegmentJitterMs();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Who appends, which decides the checks and whether offsets are assigned (Kafka's AppendOrigin). */
    private enum Origin { CLIENT, COORDINATOR, REPLICATION }

    /**
     * Appends producer batches, assigning offsets from the log end offset and leaving their partition leader
     * epochs as sent; see {@link #append(ByteBuffer, int)}.
     */
    public LogAppendInfo append(ByteBuffer records) {
        return append(records, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /**
     * Appends producer batches as the leader of {@code leaderEpoch}, assigning offsets from the log end
     * offset and stamping each batch's partitionLeaderEpoch with {@code leaderEpoch}, as Kafka's leader does
     * (producers send -1; the field is outside the CRC); a negative epoch leaves the field as sent. Record
     * timestamps must lie within the CreateTime bounds ({@link TimestampValidator}), and batches not in the
     * log's {@code compression.type} are rebuilt in it ({@link Recompressor}). Control batches are refused:
     * only the coordinator writes transaction markers ({@link #appendTransactionMarker}).
     */
    public LogAppendInfo append(ByteBuffer records, int leaderEpoch) {
        return append(records, Origin.CLIENT, leaderEpoch);
    }

    /**
     * Appends batches that already carry their offsets (a replication follower copying its leader, the
     * cleaner's output); offsets must be above the log end offset.
     */
    public LogAppendInfo appendWithOffsets(ByteBuffer records) {
        return append(records, Origin.REPLICATION, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /** As {@link #appendTransactionMarker(long, short, ControlType, int, int)}, leaving the marker's leader epoch -1. */
    public LogAppendInfo appendTransactionMarker(long producerId, short producerEpoch, ControlType type,
                                                 int coordinatorEpoch) {
        return appendTransactionMarker(producerId, producerEpoch, type, coordinatorEpoch,
            RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /**
     * Writes a transaction marker (a control batch of one record) for {@code producerId}: COMMIT or ABORT
     * of its open transaction, if any, stamped with {@code leaderEpoch} as the leader stamps every batch.
     * Refuses a marker from an epoch older than the producer's current one (INVALID_PRODUCER_EPOCH); a newer
     * epoch becomes the producer's, fencing batches from older ones. Returns where it landed.
     */
    public LogAppendInfo appendTransactionMarker(long producerId, short producerEpoch, ControlType type,
                                                 int coordinatorEpoch, int leaderEpoch) {
        ByteBuffer marker = new TransactionMarker(type, coordinatorEpoch).toBatch(producerId, producerEpoch,
            time.milliseconds());
        return append(marker, Origin.COORDINATOR, leaderEpoch);
    }

    private LogAppendInfo append(ByteBuffer records, Origin origin, int leaderEpoch) {
        LogConfig cfg = config;
        BatchValidator.Summary summary = BatchValidator.validate(records, cfg.maxMessageBytes());
        if (origin == Origin.CLIENT) {
            if (summary.hasControlBatch()) {
                throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Client produce requests may not contain control batches (log " + dir + ")");
            }
            records = validateClientBatches(records, cfg);
        }
        boolean assignOffsets = origin != Origin.REPLICATION;
        boolean stampEpoch = origin != Origin.REPLICATION && leaderEpoch >= 0;
        lock.lock();
        try {
            checkOpen();
            long now = time.milliseconds();
            if (origin == Origin.CLIENT) {
                LogAppendInfo duplicate = producers.duplicateOf(records, summary, logStartOffset);
                if (duplicate != null) return duplicate;
            } else if (origin == Origin.COORDINATOR) {
                producers.checkMarker(records);
            }
            long nextOffset = endOffset.offset();
            long firstOffset = -1;
            long lastOffset = -1;
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            long offsetOfMaxTimestamp = -1;
            boolean logAppendTime = cfg.timestampType() == LogConfig.TimestampType.LOG_APPEND_TIME;
            for (RecordBatch batch : RecordBatchIterator.batches(records)) {
                if (assignOffsets) {
                    batch.setBaseOffset(nextOffset);
                } else if (batch.baseOffset() < nextOffset) {
                    throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Batch base offset "
                        + batch.baseOffset() + " is below the log end offset " + nextOffset + " of " + dir);
                }
                if (stampEpoch) batch.setPartitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) batch.setLogAppendTime(now);
                if (firstOffset < 0) firstOffset = batch.baseOffset();
                lastOffset = batch.lastOffset();
                nextOffset = lastOffset + 1;
                if (batch.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = batch.maxTimestamp();
                    offsetOfMaxTimestamp = lastOffset;
                }
            }
            int size = records.remaining();
            int start = records.position();
            LogSegment segment = maybeRoll(size, firstOffset, lastOffset, now);
            if (segment.isEmpty()) segment.setCreatedMs(now);
            int position = segment.size();
            segment.append(lastOffset, records);
            records.position(start);
            producers.appended(records, segment, position, logStartOffset); // before the LEO moves
            endOffset = new LogOffsetMetadata(nextOffset, segment.baseOffset(), segment.size());
            unflushedMessages += summary.offsetCount();
            if (unflushedMessages >= cfg.flushIntervalMessages()) flush(nextOffset);
            return new LogAppendInfo(firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp,
                logAppendTime ? now : RecordBatch.NO_TIMESTAMP, logStartOffset, summary.batches(), size);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the log does to a producer's batches before the lock: checks their timestamps and, unless
     * {@code compression.type} is producer, rebuilds those in another codec. Runs outside the lock because
     * neither depends on offsets, and recompression is the costliest step of an append. Returns the batches
     * to store: {@code records} itself unless some batch was rebuilt.
     */
    private ByteBuffer validateClientBatches(ByteBuffer records, LogConfig cfg) {
        TimestampValidator timestamps = TimestampValidator.of(cfg, time.milliseconds());
        Compression codec = cfg.storedCompression().orElse(null);
        try {
            if (codec != null && Recompressor.isNeeded(records, codec)) {
                return Recompressor.recompress(records, codec, cfg.compressionLevel(), cfg.maxMessageBytes(), timestamps);
            }
            for (RecordBatch batch : RecordBatchIterator.batches(records)) timestamps.validate(batch);
            return records;
        } catch (CorruptRecordException e) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, e.getMessage() + " (log " + dir + ")");
        }
    }

    /**
     * The segment to append to, rolling a new one if the active segment is full, old, or cannot index. Old
     * means older than {@link LogConfig#maxSegmentMs()} less the segment's jitter.
     */
    private LogSegment maybeRoll(int size, long firstOffset, long lastOffset, long now) {
        LogSegment active = activeSegment();
        LogConfig cfg = config;
        boolean full = active.size() > cfg.segmentBytes() - size;
        boolean old = !active.isEmpty() && now - active.createdMs() >= cfg.maxSegmentMs() - activeSegmentJitterMs;
        boolean indexFull = active.offsetIndex().isFull() || active.timeIndex().isFull();
        boolean overflow = lastOffset - active.baseOffset() > Integer.MAX_VALUE || firstOffset < active.baseOffset();
        if (!active.isEmpty() && (full || old || indexFull || overflow)) {
            return roll(firstOffset);
        }
        if (active.isEmpty() && overflow) return roll(firstOffset);
        return active;
    }

    /** Closes the active segment to appends and starts a new one at {@code baseOffset}. Under the lock. */
    private LogSegment roll(long baseOffset) {
        LogSegment previous = activeSegment();
        long start = Math.max(baseOffset, endOffset.offset());
        if (previous.isEmpty() && previous.baseOffset() == start) return previous;
        if (previous.isEmpty()) {
            // Nothing to keep: replace the empty segment instead of leaving an empty file behind.
            segments.remove(previous.baseOffset());
            previous.closeAndDelete();
        } else {
            previous.onBecomeInactive();
            producers.snapshot(start, recoveryPoint);
        }
        Path file = LogSegment.logFile(dir, start);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot replace stale segment " + file, e);
        }
        LogSegment next = LogSegment.open(dir, start, config, "", true, time.milliseconds());
        segments.put(start, next);
        activeSegmentJitterMs = config.randomSegmentJitterMs();
        if (endOffset.segmentBaseOffset() != start) endOffset = new LogOffsetMetadata(endOffset.offset(), start, 0);
        LOG.debug("Rolled {} to a new segment at offset {}", dir, start);
        return next;
    }

    /** Rolls the active segment now if it holds anything (tests, retention of an expired active segment). */
    public void roll() {
        lock.lock();
        try {
            if (!activeSegment().isEmpty()) roll(endOffset.offset());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads from {@code startOffset}: up to {@code maxBytes} of whole batches (at least one with
     * {@code minOneBatch}), bounded by the LEO, the HW or the LSO. Reading exactly at the bound returns
     * nothing; below the log start offset or above the LEO throws {@link OffsetOutOfRangeException}.
     */
    public LogReadInfo read(long startOffset, int maxBytes, Isolation isolation, boolean minOneBatch) {
        LogOffsetMetadata leo = endOffset;
        LogOffsetMetadata hw = highWatermark;
        LogOffsetMetadata lso = lastStable(hw);
        long start = logStartOffset;
        if (startOffset < start || startOffset > leo.offset()) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + dir
                + ": log start offset " + start + ", log end offset " + leo.offset());
        }
        LogOffsetMetadata bound = switch (isolation) {
            case LOG_END -> leo;
            case HIGH_WATERMARK -> hw;
            case LAST_STABLE -> lso;
        };
        if (startOffset >= bound.offset()) {
            return new LogReadInfo(FileSlice.EMPTY, hw.offset(), lso.offset(), start, leo.offset());
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        if (entry == null) entry = segments.firstEntry();
        while (entry != null) {
            LogSegment segment = entry.getValue();
            if (segment.baseOffset() > bound.segmentBaseOffset()) break;
            int maxPosition = segment.baseOffset() == bound.segmentBaseOffset() ? bound.position() : segment.size();
            FileSlice slice = segment.read(startOffset, maxBytes, maxPosition, minOneBatch);
            if (slice != null) return new LogReadInfo(slice, hw.offset(), lso.offset(), start, leo.offset());
            entry = segments.higherEntry(entry.getKey());
        }
        return new LogReadInfo(FileSlice.EMPTY, hw.offset(), lso.offset(), start, leo.offset());
    }

    /**
     * Moves the high watermark to {@code offset}, clamped to [log start offset, LEO]. The HW must sit at a
     * batch boundary; it normally does, since it is a LEO this or another replica reached.
     */
    public void updateHighWatermark(long offset) {
        LogOffsetMetadata leo = endOffset;
        long target = Math.min(Math.max(offset, logStartOffset), leo.offset());
        if (target == leo.offset()) {
            highWatermark = leo;
            return;
        }
        highWatermark = metadataFor(target);
    }

    /** Advances the HW to the LEO (a single replica, or all of the ISR caught up). */
    public void highWatermarkToLogEnd() { highWatermark = endOffset; }

    private LogOffsetMetadata metadataFor(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        while (entry != null) {
            OffsetPosition position = entry.getValue().translateOffset(offset, entry.getValue().size());
            if (position != null) return new LogOffsetMetadata(offset, entry.getKey(), position.position());
            entry = segments.higherEntry(entry.getKey());
        }
        LogOffsetMetadata leo = endOffset;
        return new LogOffsetMetadata(offset, leo.segmentBaseOffset(), leo.position());
    }

    /**
     * The first record with a timestamp at or after {@code timestamp} (its own timestamp and offset), if
     * any: ListOffsets by time.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestampSoFar() < timestamp) continue;
            Optional<TimestampAndOffset> found = SegmentTimeLookup.findOffsetByTimestamp(segment, timestamp, start);
            if (found.isPresent() && found.get().offset() < endOffset.offset()) return found;
        }
        return Optional.empty();
    }

    /** The largest timestamp in the log and the first record carrying it (ListOffsets MAX_TIMESTAMP). */
    public Optional<TimestampAndOffset> maxTimestamp() {
        LogSegment best = null;
        for (LogSegment segment : segments.values()) {
            long ts = segment.maxTimestampSoFar();
            if (ts >= 0 && (best == null || ts > best.maxTimestampSoFar())) best = segment;
        }
        if (best == null) return Optional.empty();
        TimestampAndOffset batchEnd = new TimestampAndOffset(best.maxTimestampSoFar(), best.offsetOfMaxTimestamp());
        return Optional.of(SegmentTimeLookup.firstRecordWithTimestamp(best, batchEnd.offset(), batchEnd.timestamp()).orElse(batchEnd));
    }

    /**
     * The last stable offset: the high watermark, or the first offset of the oldest undecided transaction
     * if that is lower. read_committed readers see only below it.
     */
    public long lastStableOffset() {
        return lastStable(highWatermark).offset();
    }

    /** The LSO given the HW {@code hw}, read first (see {@link LogProducers#lastStable}). */
    private LogOffsetMetadata lastStable(LogOffsetMetadata hw) {
        return producers.lastStable(hw);
    }

    /**
     * The aborted transactions a read_committed reader needs to filter a read from {@code fetchOffset}
     * up to (not including) {@code upperBoundOffset}: those whose marker is at or after {@code fetchOffset}
     * and whose first offset is below {@code upperBoundOffset}, in marker order.
     */
    public List<AbortedTransaction> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        Long from = segments.floorKey(fetchOffset);
        List<AbortedTransaction> found = null;
        for (LogSegment segment : (from == null ? segments : segments.tailMap(from, true)).values()) {
            TransactionIndex index = segment.txnIndex();
            if (index.isEmpty()) continue;
            if (found == null) found = new ArrayList<>();
            if (index.collect(fetchOffset, upperBoundOffset, found)) break;
        }
        return found == null ? List.of() : found;
    }

    /**
     * Forgets idempotent producers whose last batch is older than {@code producerIdExpirationMs} (by the
     * batches' timestamps, as Kafka's {@code producer.id.expiration.ms}) and that have no open transaction;
     * a later batch from one of them is then accepted at any sequence. Returns how many producers are left.
     */
    public int expireProducers(long producerIdExpirationMs) {
        lock.lock();
        try {
            return producers.expire(time.milliseconds(), producerIdExpirationMs);
        } finally {
            lock.unlock();
        }
    }

    /** The producers this log remembers (idempotence and open transactions), for DescribeProducers. */
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producers.active();
        } finally {
            lock.unlock();
        }
    }

    /** Flushes everything appended so far. */
    public void flush() { flush(endOffset.offset()); }

    /**
     * Flushes segments holding offsets below {@code offset} and moves the recovery point there. The
     * {@code fsync} runs outside the log's lock, so appends go on while it waits for the disk (a confirm
     * waiting for its flush must not stall the publishers of the same log); flushes serialise among
     * themselves.
     */
    public void flush(long offset) {
        if (lock.isHeldByCurrentThread()) {
            // An append or close flushing under the lock: forcing here keeps the lock order (lock, never
            // flushLock after it).
            flushHoldingLock(offset);
            return;
        }
        synchronized (flushLock) {
            List<LogSegment> dirty;
            lock.lock();
            try {
                if (offset <= recoveryPoint || closed) return;
                Long from = segments.floorKey(recoveryPoint);
                if (from == null) from = segments.firstKey();
                dirty = List.copyOf(segments.subMap(from, true, offset, false).values());
            } finally {
                lock.unlock();
            }
            for (LogSegment segment : dirty) {
                try {
                    segment.flush();
                } catch (UncheckedIOException e) {
                    // Deleted by retention or closed with the log meanwhile: nothing left to flush.
                    if (!closed && segments.containsValue(segment)) throw e;
                }
            }
            lock.lock();
            try {
                if (offset > recoveryPoint) recoveryPoint = Math.min(offset, endOffset.offset());
                lastFlushMs = time.milliseconds();
                unflushedMessages = 0;
            } finally {
                lock.unlock();
            }
        }
    }

    private void flushHoldingLock(long offset) {
        if (offset <= recoveryPoint || closed) return;
        Long from = segments.floorKey(recoveryPoint);
        if (from == null) from = segments.firstKey();
        for (LogSegment segment : segments.subMap(from, true, offset, false).values()) segment.flush();
        recoveryPoint = offset;
        lastFlushMs = time.milliseconds();
        unflushedMessages = 0;
    }

    /** Flushes if {@code flush.ms} has passed since the last flush (called by the log manager's timer). */
    public void flushIfDue() {
        LogConfig cfg = config;
        if (cfg.flushIntervalMs() != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= cfg.flushIntervalMs()
            && endOffset.offset() > recoveryPoint) {
            flush();
        }
    }

    /**
     * Deletes whole segments past retention: older than {@code retention.ms}, beyond
     * {@code retention.bytes}, or wholly below the log start offset. An expired active segment is rolled
     * first, so the log always keeps one (empty) segment. Returns the number of segments deleted.
     */
    public int deleteOldSegments() {
        LogConfig cfg = config;
        lock.lock();
        try {
            if (closed) return 0;
            List<LogSegment> doomed = RetentionPolicy.segmentsToDelete(new ArrayList<>(segments.values()), cfg,
                time.milliseconds(), logStartOffset, highWatermark.offset(), endOffset.offset());
            if (doomed.isEmpty()) return 0;
            if (doomed.size() == segments.size()) roll(endOffset.offset());
            for (LogSegment segment : doomed) removeAndScheduleDelete(segment);
            long newStart = segments.firstKey();
            if (newStart > logStartOffset) logStartOffset = newStart;
            producers.logStartMoved(logStartOffset, true);
            LOG.info("Deleted {} segment(s) of {} by retention; log start offset is now {}", doomed.size(), dir,
                logStartOffset);
            return doomed.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the log start offset up to {@code offset} (Kafka's DeleteRecords); whole segments below it are
     * deleted by the next retention pass. Returns the new log start offset.
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            if (offset > highWatermark.offset()) {
                throw new OffsetOutOfRangeException("Cannot delete records before " + offset + " in " + dir
                    + ": above the high watermark " + highWatermark.offset());
            }
            if (offset > logStartOffset) logStartOffset = offset;
            producers.logStartMoved(logStartOffset, false);
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every record at or above {@code offset} (a follower diverging from its leader). */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            if (offset >= endOffset.offset()) return;
            if (offset <= segments.firstKey()) {
                truncateFullyAndStartAt(offset);
                return;
            }
            producers.truncating(offset);
            for (LogSegment segment : new ArrayList<>(segments.tailMap(offset, true).values())) {
                removeAndScheduleDelete(segment);
            }
            LogSegment last = segments.lastEntry().getValue();
            last.truncateTo(offset);
            last.onBecomeActive(config);
            endOffset = new LogOffsetMetadata(last.readNextOffset(), last.baseOffset(), last.size());
            // Before the HW comes down: transactions whose marker was cut are open again.
            producers.load(segments, endOffset.offset(), endOffset.offset(), logStartOffset);
            if (highWatermark.offset() > endOffset.offset()) highWatermark = endOffset;
            recoveryPoint = Math.min(recoveryPoint, endOffset.offset());
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and starts an empty log at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) {
        lock.lock();
        try {
            producers.clear();
            for (LogSegment segment : new ArrayList<>(segments.values())) removeAndScheduleDelete(segment);
            LogSegment fresh = LogSegment.open(dir, offset, config, "", true, time.milliseconds());
            segments.put(offset, fresh);
            activeSegmentJitterMs = config.randomSegmentJitterMs();
            endOffset = new LogOffsetMetadata(offset, offset, 0);
            highWatermark = endOffset;
            logStartOffset = offset;
            recoveryPoint = offset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces {@code old} (consecutive, inactive segments) with {@code replacement}, whose files carry the
     * {@code .swap} suffix and which covers the same offsets. Used by the cleaner; see {@link LogLoader} for
     * how a crash part-way through is completed on the next start.
     */
    void replaceSegments(List<LogSegment> old, LogSegment replacement, Path swapEndMarker) {
        lock.lock();
        try {
            checkOpen();
            for (LogSegment segment : old) {
                if (segments.get(segment.baseOffset()) != segment) {
                    // Retention or truncation removed it meanwhile: drop the cleaned copy.
                    replacement.closeAndDelete();
                    deleteQuietly(swapEndMarker);
                    return;
                }
            }
            // The old files make way first (the replacement takes the first one's names), but the replacement
            // enters the map before the old segments leave it: a reader never finds the range missing (it
            // would skip to the next segment), nor a read_committed fetch its aborted transactions.
            for (LogSegment segment : old) segment.changeSuffix("", DELETED_SUFFIX);
            replacement.changeSuffix(SWAP_SUFFIX, "");
            deleteQuietly(swapEndMarker);
            segments.put(replacement.baseOffset(), replacement);
            for (LogSegment segment : old) {
                segments.remove(segment.baseOffset(), segment);
                scheduleDelete(segment);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}", file, e);
        }
    }

    /** Takes a segment out of the log now and deletes its files after {@code file.delete.delay.ms}. */
    private void removeAndScheduleDelete(LogSegment segment) {
        segments.remove(segment.baseOffset(), segment);
        segment.changeSuffix("", DELETED_SUFFIX);
        scheduleDelete(segment);
    }

    private void scheduleDelete(LogSegment segment) {
        long delay = config.fileDeleteDelayMs();
        if (scheduler == null || delay <= 0) {
            segment.closeAndDelete();
        } else {
            scheduler.schedule(segment::closeAndDelete, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("Log " + dir + " is closed");
    }

    ReentrantLock lock() { return lock; }
    Time time() { return time; }
    ScheduledExecutorService scheduler() { return scheduler; }

    /** Flushes and closes every segment. The log is unusable afterwards. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            flush();
            producers.snapshot(endOffset.offset(), recoveryPoint); // the next clean start then replays nothing
            activeSegment().onBecomeInactive();
            closed = true;
            for (LogSegment segment : segments.values()) segment.close();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the log and deletes its directory. */
    public void closeAndDeleteDirectory() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment segment : segments.values()) segment.close();
            segments.clear();
            LogFiles.deleteRecursively(dir);
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() { return closed; }

    @Override
    public String toString() {
        return "Log(" + dir + ", start=" + logStartOffset + ", hw=" + highWatermark() + ", leo=" + logEndOffset() + ")";
    }
}
