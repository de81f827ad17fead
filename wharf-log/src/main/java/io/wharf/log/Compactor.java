package io.wharf.log;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One compaction pass over one log: keeps the last record of every key, drops older ones, and drops a
 * key's tombstone (null value) once its segment is older than {@code delete.retention.ms}. Records
 * without a key and control batches are kept. Offsets never change; compaction only leaves gaps.
 *
 * <p>Transactions: batches of aborted transactions (known from the transaction indexes of the cleaned
 * segments and of later ones, since a marker may come segments after its data) are dropped and never
 * enter the key map, so an aborted value cannot shadow a committed one. Committed transactional records
 * are compacted like any other. Transaction markers are all kept, with the cleaned segments' transaction
 * index entries: removing a marker is only safe once no reader can still need it (Kafka's two-pass
 * marker removal after {@code delete.retention.ms}), which is not done.
 *
 * <p>The pass covers the inactive segments below the last stable offset (so below the high watermark and
 * never into an open transaction) and below any segment younger than {@code min.compaction.lag.ms}; when a
 * pass is due is {@link #isDue}'s to say. It
 * builds a map of key to last offset over the dirty part (from the previous pass's end), then rewrites
 * groups of consecutive segments (each group at most {@code segment.bytes}) into {@code .cleaned} files,
 * renames them {@code .swap}, and swaps them into the log. A batch whose records all survive is copied byte
 * for byte; otherwise it is rebuilt with the same base offset, producer fields and compression.
 */
final class Compactor {
    private final Log log;
    private final int maxKeys;

    Compactor(Log log, int maxKeys) {
        this.log = log;
        this.maxKeys = maxKeys;
    }

    /** Segments a pass may touch: inactive, wholly below the LSO, older than the compaction lag. */
    private List<LogSegment> cleanableSegments() {
        List<LogSegment> all = new ArrayList<>(log.segments());
        long now = log.time().milliseconds();
        long stable = log.lastStableOffset();
        List<LogSegment> result = new ArrayList<>();
        for (int i = 0; i + 1 < all.size(); i++) {
            LogSegment s = all.get(i);
            long nextBase = all.get(i + 1).baseOffset();
            boolean tooYoung = !s.isEmpty() && now - s.largestTimestamp() < log.config().minCompactionLagMs();
            if (nextBase > stable || tooYoung) break;
            result.add(s);
        }
        return result;
    }

    /**
     * Whether a pass is due: the dirty part is at least {@code min.cleanable.dirty.ratio} of the cleanable
     * bytes, or it holds a segment whose first batch is older than {@code max.compaction.lag.ms} — then any
     * dirt will do, since no record may stay uncompacted longer than the lag (Kafka's LogCleanerManager
     * rule). Records in the active segment become cleanable in time because the log rolls a compacted
     * log's segment after the lag at the latest ({@link LogConfig#maxSegmentMs()}).
     */
    boolean isDue(long firstDirty) {
        List<LogSegment> segments = cleanableSegments();
        double ratio = dirtyRatio(segments, firstDirty);
        return ratio >= log.config().minCleanableDirtyRatio() || (ratio > 0 && pastMaxCompactionLag(segments, firstDirty));
    }

    /** Dirty bytes over cleanable bytes, 0 if nothing is cleanable. */
    double dirtyRatio(long firstDirty) {
        return dirtyRatio(cleanableSegments(), firstDirty);
    }

    private static double dirtyRatio(List<LogSegment> segments, long firstDirty) {
        long clean = 0;
        long dirty = 0;
        for (int i = 0; i < segments.size(); i++) {
            long nextBase = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : Long.MAX_VALUE;
            if (nextBase <= firstDirty) clean += segments.get(i).size();
            else dirty += segments.get(i).size();
        }
        return clean + dirty == 0 ? 0 : (double) dirty / (clean + dirty);
    }

    /**
     * Whether a dirty segment's first batch is older than {@code max.compaction.lag.ms}. The first batch's
     * maxTimestamp stands for the segment's age, as in Kafka; segments without a timestamp (-1, or 0 from
     * old clients) do not count.
     */
    private boolean pastMaxCompactionLag(List<LogSegment> segments, long firstDirty) {
        long lag = log.config().maxCompactionLagMs();
        if (lag == Long.MAX_VALUE) return false;
        long cleanUntil = log.time().milliseconds() - lag;
        for (int i = 0; i < segments.size(); i++) {
            long nextBase = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : Long.MAX_VALUE;
            if (nextBase <= firstDirty) continue;
            long first = firstBatchTimestamp(segments.get(i));
            if (first > 0 && first < cleanUntil) return true;
        }
        return false;
    }

    private static long firstBatchTimestamp(LogSegment segment) {
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        if (segment.size() < RecordBatch.HEADER_SIZE || !segment.readAt(header, 0)) return RecordBatch.NO_TIMESTAMP;
        return RecordBatch.at(header, 0).maxTimestamp();
    }

    /** Runs the pass; returns the offset up to which the log is now clean. */
    long compact(long firstDirty) {
        List<LogSegment> cleanable = cleanableSegments();
        if (cleanable.isEmpty()) return firstDirty;
        Map<Long, Long> nextBase = nextBases(new ArrayList<>(log.segments()));
        long cleanableEnd = nextBase.get(cleanable.get(cleanable.size() - 1).baseOffset());
        AbortedBatches aborted = new AbortedBatches(log.abortedTransactions(cleanable.get(0).baseOffset(), cleanableEnd));
        Map<ByteBuffer, Long> lastOffsetOfKey = new HashMap<>();
        long mapEnd = firstDirty;
        List<LogSegment> covered = new ArrayList<>();
        for (LogSegment segment : cleanable) {
            long end = nextBase.get(segment.baseOffset());
            covered.add(segment);
            if (end <= firstDirty) continue;
            if (lastOffsetOfKey.size() >= maxKeys) {
                covered.remove(covered.size() - 1);
                break;
            }
            forEachBatch(segment, batch -> {
                if (batch.isControl() || aborted.contains(batch)) return;
                for (Record r : RecordDecoder.decode(batch)) {
                    if (r.hasKey()) lastOffsetOfKey.put(copy(r.key()), r.offset());
                }
            });
            mapEnd = end;
        }
        if (mapEnd <= firstDirty) return firstDirty;
        long deleteHorizon = log.time().milliseconds() - log.config().deleteRetentionMs();
        for (List<LogSegment> group : group(covered, nextBase)) {
            rewrite(group, nextBase.get(group.get(group.size() - 1).baseOffset()), lastOffsetOfKey, aborted, deleteHorizon);
        }
        return mapEnd;
    }

    /** Each segment's base offset mapped to the next segment's: the end of the offsets it can hold. */
    private static Map<Long, Long> nextBases(List<LogSegment> all) {
        Map<Long, Long> next = new HashMap<>();
        for (int i = 0; i + 1 < all.size(); i++) next.put(all.get(i).baseOffset(), all.get(i + 1).baseOffset());
        return next;
    }

    /** Consecutive segments whose sizes add up to at most segment.bytes and whose offsets fit one segment. */
    private List<List<LogSegment>> group(List<LogSegment> segments, Map<Long, Long> nextBase) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long size = 0;
        for (LogSegment s : segments) {
            boolean fits = current.isEmpty() || (size + s.size() <= log.config().segmentBytes()
                && nextBase.get(s.baseOffset()) - 1 - current.get(0).baseOffset() <= Integer.MAX_VALUE);
            if (!fits) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.size();
        }
        if (!current.isEmpty()) groups.add(current);
        return groups;
    }

    private void rewrite(List<LogSegment> group, long end, Map<ByteBuffer, Long> lastOffsetOfKey, AbortedBatches aborted,
                         long deleteHorizon) {
        Path dir = log.dir();
        long base = group.get(0).baseOffset();
        LogSegment cleaned = LogSegment.open(dir, base, log.config(), Log.CLEANED_SUFFIX, true, log.time().milliseconds());
        try {
            for (LogSegment segment : group) {
                boolean tombstonesExpired = segment.largestTimestamp() < deleteHorizon;
                forEachBatch(segment, batch -> {
                    if (aborted.contains(batch)) return;
                    ByteBuffer kept = filter(batch, lastOffsetOfKey, tombstonesExpired);
                    if (kept == null) return;
                    RecordBatch out = RecordBatch.at(kept, kept.position());
                    cleaned.append(out.lastOffset(), kept);
                });
            }
            // The markers stay, so their entries do: a read_committed fetch of this range gets the same answer.
            for (LogSegment segment : group) {
                for (AbortedTransaction txn : segment.txnIndex().all()) cleaned.txnIndex().append(txn);
            }
            cleaned.flush();
            cleaned.onBecomeInactive();
            Path marker = dir.resolve(LogSegment.fileStem(base) + LogLoader.SWAP_END_SUFFIX);
            Files.writeString(marker, Long.toString(end), StandardCharsets.UTF_8);
            cleaned.changeSuffix(Log.CLEANED_SUFFIX, Log.SWAP_SUFFIX);
            log.replaceSegments(group, cleaned, marker);
        } catch (IOException e) {
            cleaned.closeAndDelete();
            throw new UncheckedIOException("Compaction of " + dir + " failed", e);
        } catch (RuntimeException e) {
            cleaned.closeAndDelete();
            throw e;
        }
    }

    /** The batch as it survives compaction: itself, a rebuilt smaller batch, or null if nothing survives. */
    private static ByteBuffer filter(RecordBatch batch, Map<ByteBuffer, Long> lastOffsetOfKey, boolean tombstonesExpired) {
        if (batch.isControl()) return batch.slice();
        List<Record> records = RecordDecoder.decode(batch);
        List<Record> kept = new ArrayList<>(records.size());
        for (Record r : records) {
            if (!r.hasKey()) {
                kept.add(r);
                continue;
            }
            Long last = lastOffsetOfKey.get(r.key());
            boolean latest = last == null || r.offset() >= last;
            if (latest && !(r.value() == null && tombstonesExpired)) kept.add(r);
        }
        if (kept.size() == records.size()) return batch.slice();
        if (kept.isEmpty()) return null;
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(batch.compression())
            .baseOffset(batch.baseOffset())
            .producer(batch.producerId(), batch.producerEpoch(), batch.baseSequence())
            .transactional(batch.isTransactional())
            .partitionLeaderEpoch(batch.partitionLeaderEpoch())
            .logAppendTime(batch.isLogAppendTime());
        for (Record r : kept) builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
        return builder.build();
    }

    private static ByteBuffer copy(ByteBuffer key) {
        ByteBuffer c = ByteBuffer.allocate(key.remaining());
        c.put(key.duplicate()).flip();
        return c;
    }

    /** Reads a segment's batches one by one with positional reads (the segment is immutable). */
    static void forEachBatch(LogSegment segment, Consumer<RecordBatch> action) {
        int end = segment.size();
        int position = 0;
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.LOG_OVERHEAD);
        try {
            while (position + RecordBatch.HEADER_SIZE <= end) {
                header.clear();
                readFully(segment, header, position);
                int size = RecordBatch.LOG_OVERHEAD + header.getInt(RecordBatch.LENGTH_OFFSET);
                ByteBuffer whole = ByteBuffer.allocate(size);
                readFully(segment, whole, position);
                whole.flip();
                action.accept(RecordBatch.at(whole, 0));
                position += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + segment.logFile() + " at " + position, e);
        }
    }

    private static void readFully(LogSegment segment, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (segment.channel().read(buffer, position + buffer.position()) < 0) {
                throw new IOException("Unexpected end of " + segment.logFile());
            }
        }
    }
}
