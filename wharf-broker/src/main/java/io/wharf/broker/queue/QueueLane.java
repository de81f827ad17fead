package io.wharf.broker.queue;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageRecords;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.log.Log;
import java.util.List;

/**
 * One log of a queue with its cursor: the messages of one priority, in arrival order. A plain queue has
 * a single lane; a priority queue ({@code x-max-priority}) one per priority, each a partition of the
 * queue's log, so that the highest priority goes out first while every message stays on disk and each
 * lane keeps the memory of a plain queue, whatever its depth.
 *
 * <p>Offsets here are the lane's own log offsets; {@link MessageQueue} tells lanes apart in the offsets
 * it hands out ({@link #global}).
 *
 * <p>Not thread-safe: used under its queue's lock.
 */
final class QueueLane {
    /** Bits of a handed-out offset that are the lane's log offset; the lane index is above them. */
    private static final int LANE_SHIFT = 48;
    private static final long LOCAL_MASK = (1L << LANE_SHIFT) - 1;

    private final int index;
    private final Log log;
    private final CursorJournal journal;
    private final QueueCursor cursor;
    private final MessageCache cache;
    private final LogWindow window;

    /** @param cursorLog the journal's log for a durable queue; null for a transient one */
    QueueLane(int index, Log log, Log cursorLog, PropertiesCodec codec, long cacheBytes) {
        this.index = index;
        this.log = log;
        this.cache = new MessageCache(cacheBytes);
        this.window = new LogWindow(log, codec);
        if (cursorLog != null) {
            this.journal = new CursorJournal(cursorLog);
            this.cursor = journal.load(log.logStartOffset());
        } else {
            this.journal = null;
            this.cursor = new QueueCursor(log.logStartOffset());
        }
        if (cursor.floor() > log.logStartOffset() && cursor.floor() <= log.highWatermark()) {
            log.deleteRecordsBefore(cursor.floor());
        }
    }

    static int laneOf(long global) { return (int) (global >>> LANE_SHIFT); }

    static long localOf(long global) { return global & LOCAL_MASK; }

    /** The offset this lane's {@code local} offset is handed out as. Lane 0's offsets are the log's own. */
    long global(long local) { return ((long) index << LANE_SHIFT) | local; }

    Log log() { return log; }

    /** Appends the messages as one log batch; returns the offset after the last. */
    long append(List<Message> messages) {
        long first = log.append(MessageRecords.batchOf(messages)).firstOffset();
        log.highWatermarkToLogEnd();
        for (int i = 0; i < messages.size(); i++) cache.appended(first + i, messages.get(i));
        return first + messages.size();
    }

    /** The next local offset to deliver, or -1 (see {@link QueueCursor#nextReady}). */
    long nextReady() { return cursor.nextReady(log.logEndOffset()); }

    long readyCount() { return cursor.readyCount(log.logEndOffset()); }

    int inFlightCount() { return cursor.inFlightCount(); }

    boolean isInFlight(long local) { return cursor.isInFlight(local); }

    int deliver(long local, long owner) { return cursor.deliver(local, owner); }

    boolean requeue(long local) { return cursor.requeue(local); }

    int requeueAll(long owner) { return cursor.requeueAll(owner); }

    /** The message at {@code local}, or null if the log no longer holds it. */
    Message message(long local) {
        Message m = cache.get(local);
        return m != null ? m : window.read(local);
    }

    /** A ready message went out: the cache need not keep what is behind the read offset. */
    void taken() { cache.releaseBelow(cursor.readOffset()); }

    /** Body bytes of the ready messages (read back from the log: at start-up and after a mass requeue). */
    long readyBytes() {
        long sum = 0;
        long end = log.logEndOffset();
        for (long o = cursor.floor(); o < end; o++) {
            if (cursor.isReady(o, end)) {
                Message m = message(o);
                if (m != null) sum += m.size();
            }
        }
        return sum;
    }

    /**
     * Settles local offsets, journalled first for a durable queue; once enough are settled, the log's
     * start follows the cursor's floor.
     */
    void settle(long[] offsets, int count) {
        if (count == 0) return;
        if (journal != null) journal.settled(offsets, count);
        for (int i = 0; i < count; i++) cursor.settle(offsets[i]);
        if (journal != null && journal.checkpointDue()) {
            journal.checkpoint(cursor);
            if (cursor.floor() > log.logStartOffset()) log.deleteRecordsBefore(Math.min(cursor.floor(), log.highWatermark()));
        } else if (journal == null && cursor.floor() - log.logStartOffset() > 10_000) {
            log.deleteRecordsBefore(Math.min(cursor.floor(), log.highWatermark()));
        }
    }

    void clearCaches() {
        cache.clear();
        window.clear();
    }

    @Override
    public String toString() { return "lane " + index + " " + cursor; }
}
