package io.wharf.broker.share;

import io.wharf.broker.queue.CursorJournal;
import io.wharf.broker.queue.DeliveredRange;
import io.wharf.broker.queue.QueueCursor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One partition of a topic as a share group consumes it (Kafka's KIP-932): a queue over the partition's log,
 * whose records go to whichever member asks, each under a time-limited lock. The per-record state is a
 * {@link QueueCursor} — the same one an AMQP queue uses: the share-partition start offset is its floor,
 * acquired records are its in-flight deliveries, released ones its requeued offsets, and accepted,
 * rejected and archived records are settled. Settlements and acquisitions go to a {@link CursorJournal}
 * first, so a restart delivers nothing that was accepted or rejected, and records acquired when the broker
 * stopped are delivered again with their delivery count going on from where it was — a record that had
 * reached the delivery count limit (it may be what brought the broker or its consumers down) is archived.
 *
 * <p>A record whose lock expires, or that its member releases, goes back to be delivered again — unless it
 * has been delivered {@code deliveryCountLimit} times, in which case it is archived (settled, never
 * delivered again), as Kafka does with a record that keeps failing.
 *
 * <p>Thread-safety: every method holds this object's monitor; none waits while holding it.
 */
public final class SharePartition {
    /** What a member says about a record it acquired. */
    public enum Acknowledgement {
        /** Processed: settled. */
        ACCEPT,
        /** Not processed: delivered again (or archived at the delivery count limit). */
        RELEASE,
        /** Unprocessable: settled, never delivered again. */
        REJECT,
        /** Still working on it: the lock starts over. */
        RENEW
    }

    /** The group's settings, read at each use: a change of the group's configs applies from the next call. */
    private final Supplier<ShareSettings> settings;
    private final CursorJournal journal;
    private QueueCursor cursor;
    /** Lock deadline (epoch ms) of each acquired offset. */
    private final Map<Long, Long> lockDeadlines = new HashMap<>();

    /**
     * Opens the state from its journal; a partition this group never read starts at {@code initialOffset}
     * (the log end for {@code share.auto.offset.reset=latest}), written at once so a restart keeps it.
     *
     * @param logStartOffset the partition log's start: offsets below it are gone, hence settled
     */
    SharePartition(Supplier<ShareSettings> settings, CursorJournal journal, long initialOffset, long logStartOffset) {
        this.settings = settings;
        this.journal = journal;
        if (journal.isEmpty()) {
            cursor = new QueueCursor(Math.max(initialOffset, logStartOffset));
            journal.checkpoint(cursor);
        } else {
            cursor = journal.load(logStartOffset);
            archiveExhausted();
        }
    }

    /** Settles the records restored with a delivery count at the limit: they may not be delivered again. */
    private void archiveExhausted() {
        long[] exhausted = cursor.deliveryCounts().entrySet().stream()
            .filter(e -> e.getValue() >= settings.get().deliveryCountLimit()).mapToLong(Map.Entry::getKey).toArray();
        settle(exhausted, exhausted.length);
    }

    /** The share-partition start offset: every record below it is settled. */
    public synchronized long startOffset() { return cursor.floor(); }

    /** Records below {@code highWatermark} not yet settled: available, acquired or released (Kafka's share lag). */
    public synchronized long lag(long highWatermark) {
        return Math.max(0, highWatermark - cursor.floor() - cursor.settledAboveFloor().headSet(highWatermark).size());
    }

    /** Records acquired by some member now. */
    public synchronized int acquiredCount() { return cursor.inFlightCount(); }

    /**
     * Where a read for new acquisitions must start, given the log's start and its readable end (the high
     * watermark); -1 when nothing is available, or when this partition holds as many locks as it may.
     */
    public synchronized long nextToRead(long logStartOffset, long readableEnd) {
        if (cursor.floor() < logStartOffset) settleBelow(logStartOffset);
        if (cursor.inFlightCount() >= settings.get().maxRecordLocks()) return -1;
        return cursor.nextReady(readableEnd);
    }

    /**
     * Acquires for {@code owner} the available records among offsets {@code [first, end)} — the whole
     * batches a read returned — at most {@code maxRecords} of them, in offset order, each locked for
     * the record lock duration. Returns the acquired offsets as ranges.
     */
    public synchronized List<DeliveredRange> acquire(long owner, long first, long end, int maxRecords, long nowMs) {
        List<DeliveredRange> ranges = new ArrayList<>();
        int room = Math.min(maxRecords, settings.get().maxRecordLocks() - cursor.inFlightCount());
        long deadline = nowMs + settings.get().recordLockDurationMs();
        long rangeStart = -1;
        long rangeEnd = -1;
        int rangeCount = 0;
        for (long offset = Math.max(first, cursor.floor()); offset < end && room > 0; offset++) {
            if (!cursor.isReady(offset, end)) continue;
            int count = cursor.deliver(offset, owner);
            lockDeadlines.put(offset, deadline);
            room--;
            if (rangeStart >= 0 && offset == rangeEnd + 1 && count == rangeCount) {
                rangeEnd = offset;
            } else {
                if (rangeStart >= 0) ranges.add(new DeliveredRange(rangeStart, rangeEnd, rangeCount));
                rangeStart = offset;
                rangeEnd = offset;
                rangeCount = count;
            }
        }
        if (rangeStart >= 0) ranges.add(new DeliveredRange(rangeStart, rangeEnd, rangeCount));
        journal.delivered(ranges);
        if (journal.checkpointDue()) journal.checkpoint(cursor);
        return ranges;
    }

    /**
     * Applies {@code types} to offsets {@code [first, last]}: one type for all, or one per offset. Every
     * offset must be acquired by {@code owner}; otherwise nothing changes and this returns false (Kafka's
     * INVALID_RECORD_STATE).
     */
    public synchronized boolean acknowledge(long owner, long first, long last, List<Acknowledgement> types,
                                            long nowMs) {
        if (last < first || (types.size() != 1 && types.size() != last - first + 1)) return false;
        for (long offset = first; offset <= last; offset++) {
            if (!cursor.isInFlightWith(offset, owner)) return false;
        }
        long[] settled = new long[(int) (last - first + 1)];
        int settledCount = 0;
        List<Long> released = new ArrayList<>();
        for (long offset = first; offset <= last; offset++) {
            Acknowledgement type = types.size() == 1 ? types.get(0) : types.get((int) (offset - first));
            switch (type) {
                case ACCEPT, REJECT -> settled[settledCount++] = offset;
                case RELEASE -> {
                    if (cursor.deliveryCount(offset) >= settings.get().deliveryCountLimit()) settled[settledCount++] = offset;
                    else released.add(offset);
                }
                case RENEW -> lockDeadlines.put(offset, nowMs + settings.get().recordLockDurationMs());
            }
        }
        settle(settled, settledCount);
        for (long offset : released) release(offset);
        return true;
    }

    /**
     * Archives the available records among offsets {@code [first, last]} without delivering them (records of
     * an aborted transaction, for a group reading committed records); returns how many.
     */
    public synchronized int archive(long first, long last) {
        long[] archived = new long[(int) Math.max(0, Math.min(Integer.MAX_VALUE - 8, last - first + 1))];
        int n = 0;
        for (long offset = Math.max(first, cursor.floor()); offset <= last && n < archived.length; offset++) {
            if (cursor.isReady(offset, last + 1)) archived[n++] = offset;
        }
        settle(archived, n);
        return n;
    }

    /** Releases every record {@code owner} holds (it left the group, or closed its share session). */
    public synchronized int releaseAll(long owner) {
        List<Long> held = new ArrayList<>();
        for (long offset : lockDeadlines.keySet()) if (cursor.isInFlightWith(offset, owner)) held.add(offset);
        releaseOrArchive(held);
        return held.size();
    }

    /** Releases every record whose lock expired by {@code nowMs}; returns how many. */
    public synchronized int expireLocks(long nowMs) {
        if (lockDeadlines.isEmpty()) return 0;
        List<Long> expired = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Long>> it = lockDeadlines.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() <= nowMs) expired.add(e.getKey());
        }
        releaseOrArchive(expired);
        return expired.size();
    }

    /**
     * Moves the start offset to {@code offset} (Kafka's AlterShareGroupOffsets, allowed only while no member
     * holds records): everything before it is settled, everything from it on available again.
     */
    public synchronized boolean resetTo(long offset, long logStartOffset) {
        if (cursor.inFlightCount() > 0) return false;
        cursor = new QueueCursor(Math.max(offset, logStartOffset));
        journal.checkpoint(cursor);
        return true;
    }

    private void releaseOrArchive(List<Long> offsets) {
        long[] archived = new long[offsets.size()];
        int n = 0;
        for (long offset : offsets) {
            if (cursor.deliveryCount(offset) >= settings.get().deliveryCountLimit()) archived[n++] = offset;
        }
        settle(archived, n);
        for (long offset : offsets) if (cursor.isInFlight(offset)) release(offset);
    }

    private void release(long offset) {
        lockDeadlines.remove(offset);
        cursor.requeue(offset);
    }

    private void settle(long[] offsets, int count) {
        if (count == 0) return;
        journal.settled(offsets, count);
        for (int i = 0; i < count; i++) {
            lockDeadlines.remove(offsets[i]);
            cursor.settle(offsets[i]);
        }
        if (journal.checkpointDue()) journal.checkpoint(cursor);
    }

    private void settleBelow(long offset) {
        cursor.settleBelow(offset, o -> lockDeadlines.remove(o));
        lockDeadlines.keySet().removeIf(o -> o < offset);
        journal.checkpoint(cursor);
    }

    @Override
    public synchronized String toString() { return "SharePartition(" + cursor + ")"; }
}
