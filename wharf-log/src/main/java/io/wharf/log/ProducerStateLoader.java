package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a log's producer state when it opens or is truncated: restores the newest readable snapshot at
 * or below the replay point, then replays every batch from there to the log end (batch headers only; the
 * records of control batches, to read their markers).
 *
 * <p>The replay also restores the transaction index entries a crash may have lost (the marker reached the
 * log, its entry did not) or that are missing with their file: an abort it sees is added to the marker's
 * segment unless that segment already indexes a marker at or after it, so replaying over segments whose
 * index is intact adds nothing twice. Hence an unclean restart replays from the recovery point, below which
 * the indexes were flushed with the log.
 *
 * <p>Without a usable snapshot (a log written before Wharf kept them, or snapshots deleted by hand) the
 * replay starts at the log start if the log is at most {@value #FULL_REPLAY_BYTES} bytes, else at the
 * second-to-last segment (enough for idempotence, which needs only recent batches), or at the replay point
 * if that is earlier. A transaction already open where such a replay starts is not seen: its first offset is
 * unknown and its abort unindexed. Logs written before transactions existed have none, and every roll and
 * clean close writes a snapshot, so this is a one-off.
 */
final class ProducerStateLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateLoader.class);
    static final long FULL_REPLAY_BYTES = 64L * 1024 * 1024;

    private ProducerStateLoader() {
    }

    /**
     * Loads {@code producers} for a log made of {@code segments} ending at {@code endOffset}, replaying at
     * least from {@code replayPoint}.
     */
    static void load(ProducerStateManager producers, ProducerSnapshots snapshots,
                     NavigableMap<Long, LogSegment> segments, long endOffset, long replayPoint) {
        snapshots.deleteAbove(endOffset);
        snapshots.deleteBelow(segments.firstKey());
        long target = Math.min(replayPoint, endOffset);
        for (long offset : List.copyOf(snapshots.offsets().headSet(target, true).descendingSet())) {
            Optional<List<ProducerState>> state = snapshots.read(offset);
            if (state.isPresent()) {
                producers.restore(state.get());
                int batches = replay(producers, segments, offset);
                LOG.debug("Loaded the producer state of {} from its snapshot at offset {} and {} producer batch(es)"
                    + " after it", snapshots.dir(), offset, batches);
                return;
            }
        }
        producers.clear();
        long start = Math.min(fallbackStart(segments), target);
        int batches = replay(producers, segments, start);
        if (endOffset > segments.firstKey()) {
            LOG.info("No producer snapshot for {} at or below offset {}: rebuilt the producer state from {} producer"
                + " batch(es) from offset {}", snapshots.dir(), target, batches, start);
        }
    }

    private static long fallbackStart(NavigableMap<Long, LogSegment> segments) {
        long size = 0;
        for (LogSegment s : segments.values()) size += s.size();
        if (size <= FULL_REPLAY_BYTES || segments.size() <= 2) return segments.firstKey();
        return segments.lowerKey(segments.lastKey());
    }

    /** Feeds every batch with an offset at or above {@code from} to {@code producers}; returns their count. */
    private static int replay(ProducerStateManager producers, NavigableMap<Long, LogSegment> segments, long from) {
        Long first = segments.floorKey(from);
        if (first == null) first = segments.firstKey();
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        int replayed = 0;
        for (LogSegment segment : segments.tailMap(first, true).values()) {
            int end = segment.size();
            OffsetPosition start = segment.baseOffset() == first ? segment.translateOffset(from, end) : null;
            int position = start == null ? 0 : start.position();
            while (position + RecordBatch.HEADER_SIZE <= end) {
                header.clear();
                if (!segment.readAt(header, position)) break;
                RecordBatch batch = RecordBatch.at(header, 0);
                int size = batch.sizeInBytes();
                if (size < RecordBatch.HEADER_SIZE) break;
                if (batch.lastOffset() >= from && batch.hasProducerId()) {
                    if (batch.isControl()) batch = readWhole(segment, position, size);
                    AbortedTransaction aborted = producers.update(batch, segment.baseOffset(), position);
                    if (aborted != null && aborted.lastOffset() > segment.txnIndex().lastMarkerOffset()) {
                        segment.txnIndex().append(aborted);
                    }
                    replayed++;
                }
                position += size;
            }
        }
        return replayed;
    }

    private static RecordBatch readWhole(LogSegment segment, int position, int size) {
        ByteBuffer whole = ByteBuffer.allocate(size);
        if (!segment.readAt(whole, position)) {
            throw new IllegalStateException("Batch at position " + position + " of " + segment.logFile()
                + " ends past the end of the file");
        }
        return RecordBatch.at(whole, 0);
    }
}
