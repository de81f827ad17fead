package io.wharf.broker.queue;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * Where consumers are in a queue's log: which messages are settled, which are out with a consumer, which
 * wait to be delivered (again).
 *
 * <p>State, as DESIGN.md names it:
 * <ul>
 *   <li>the <em>ack floor</em>: every offset below it is settled (acknowledged, dropped or dead-lettered);
 *   <li>the <em>settled</em> offsets at or above the floor, settled out of order;
 *   <li>the <em>in-flight</em> deliveries: offset → owner (a consumer, or a basic.get) and delivery count;
 *   <li>the <em>requeued</em> offsets: delivered before, returned, to be delivered again before anything new;
 *   <li>the <em>read offset</em>: the first offset never handed out.
 * </ul>
 * Invariants: {@code floor <= readOffset}; an offset is in at most one of settled, in-flight and requeued;
 * every in-flight and requeued offset lies in {@code [floor, readOffset)}; settled offsets lie in
 * {@code (floor, readOffset)} once the floor has been advanced past the contiguous ones. Requeued
 * messages go out in offset order, before new ones, as RabbitMQ puts a requeued message back in its place.
 *
 * <p>The cursor only counts offsets; it knows nothing of the log's contents. Offsets the log no longer has
 * (below its start) are settled by the queue through {@link #settleBelow}.
 *
 * <p>Not thread-safe: its {@link MessageQueue} calls it under the queue's lock.
 */
public final class QueueCursor {
    /** The owner of a delivery made by basic.get or any other owner-less read. */
    public static final long NO_OWNER = -1;

    private long floor;
    private long readOffset;
    private final NavigableSet<Long> settled = new TreeSet<>();
    private final NavigableSet<Long> requeued = new TreeSet<>();
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    /** Delivery counts of requeued offsets, so that a redelivery knows it is one. */
    private final Map<Long, Integer> requeuedCounts = new HashMap<>();
    /**
     * Delivery counts of offsets delivered before a restart and not settled then (restored from a journal
     * that records deliveries): their next delivery continues the count.
     */
    private final Map<Long, Integer> priorCounts = new HashMap<>();

    /** One message out with an owner. */
    private record InFlight(long owner, int deliveryCount) {
    }

    /** A cursor with everything below {@code floor} settled and nothing delivered. */
    public QueueCursor(long floor) {
        this.floor = floor;
        this.readOffset = floor;
    }

    /** Restores a cursor from its journal: the floor and the offsets settled above it. */
    public static QueueCursor restore(long floor, Iterable<Long> settledAbove) {
        return restore(floor, settledAbove, Map.of());
    }

    /**
     * Restores a cursor from its journal: the floor, the offsets settled above it, and how often unsettled
     * offsets had been delivered before.
     */
    public static QueueCursor restore(long floor, Iterable<Long> settledAbove, Map<Long, Integer> deliveryCounts) {
        QueueCursor cursor = new QueueCursor(floor);
        for (long offset : settledAbove) {
            if (offset >= floor) cursor.settled.add(offset);
        }
        cursor.advanceFloor();
        cursor.readOffset = cursor.floor;
        deliveryCounts.forEach((offset, count) -> {
            if (offset >= cursor.floor && count > 0 && !cursor.settled.contains(offset)) cursor.priorCounts.put(offset, count);
        });
        return cursor;
    }

    public long floor() { return floor; }
    public long readOffset() { return readOffset; }
    public int inFlightCount() { return inFlight.size(); }
    public int requeuedCount() { return requeued.size(); }

    /**
     * The next offset to deliver, given the log's end: the first requeued offset, else the first unsettled
     * offset from the read offset on; -1 when there is none. Does not change the cursor.
     */
    public long nextReady(long logEnd) {
        if (!requeued.isEmpty()) return requeued.first();
        long next = readOffset;
        while (next < logEnd && settled.contains(next)) next++;
        return next < logEnd ? next : -1;
    }

    /** Messages waiting to be delivered: requeued ones plus unsettled ones from the read offset to the log end. */
    public long readyCount(long logEnd) {
        long fresh = Math.max(0, logEnd - readOffset) - settled.tailSet(readOffset, true).size();
        return requeued.size() + Math.max(0, fresh);
    }

    /**
     * Hands {@code offset} (which {@link #nextReady} just returned) to {@code owner}; returns its delivery
     * count, 1 for a first delivery.
     */
    public int deliver(long offset, long owner) {
        int count;
        if (requeued.remove(offset)) {
            Integer before = requeuedCounts.remove(offset);
            count = (before == null ? 0 : before) + 1;
        } else {
            if (offset < readOffset) throw new IllegalStateException("Offset " + offset + " was delivered already");
            // Everything skipped on the way is settled (it was dropped without being delivered).
            readOffset = offset + 1;
            Integer before = priorCounts.isEmpty() ? null : priorCounts.remove(offset);
            count = (before == null ? 0 : before) + 1;
        }
        inFlight.put(offset, new InFlight(owner, count));
        return count;
    }

    /** Whether {@code offset} waits to be delivered (again). */
    public boolean isReady(long offset, long logEnd) {
        if (offset < floor || offset >= logEnd || settled.contains(offset) || inFlight.containsKey(offset)) return false;
        return offset >= readOffset || requeued.contains(offset);
    }

    /** Whether {@code offset} is out with a consumer. */
    public boolean isInFlight(long offset) { return inFlight.containsKey(offset); }

    /** Whether {@code offset} is out with {@code owner}. */
    public boolean isInFlightWith(long offset, long owner) {
        InFlight f = inFlight.get(offset);
        return f != null && f.owner() == owner;
    }

    /** How often {@code offset} has been delivered: while in flight or requeued, or before a restart; 0 otherwise. */
    public int deliveryCount(long offset) {
        InFlight f = inFlight.get(offset);
        if (f != null) return f.deliveryCount();
        Integer requeuedCount = requeuedCounts.get(offset);
        if (requeuedCount != null) return requeuedCount;
        return priorCounts.getOrDefault(offset, 0);
    }

    /** The delivery count of every unsettled offset delivered at least once (for a journal's checkpoint), by offset. */
    public NavigableMap<Long, Integer> deliveryCounts() {
        NavigableMap<Long, Integer> counts = new TreeMap<>(priorCounts);
        counts.putAll(requeuedCounts);
        inFlight.forEach((offset, f) -> counts.put(offset, f.deliveryCount()));
        return counts;
    }

    /**
     * Settles {@code offset} (acknowledged, dropped or dead-lettered), whether in flight, requeued or never
     * delivered; returns false if it was settled already.
     */
    public boolean settle(long offset) {
        if (offset < floor || settled.contains(offset)) return false;
        inFlight.remove(offset);
        if (requeued.remove(offset)) requeuedCounts.remove(offset);
        if (!priorCounts.isEmpty()) priorCounts.remove(offset);
        if (offset == floor) {
            floor++;
            advanceFloor();
        } else {
            settled.add(offset);
        }
        if (readOffset < floor) readOffset = floor;
        return true;
    }

    /** Settles every offset below {@code offset} (purge, or the log start moved); calls {@code each} per newly settled one. */
    public void settleBelow(long offset, LongConsumer each) {
        for (long o = floor; o < offset; o++) {
            if (!settled.contains(o)) each.accept(o);
        }
        inFlight.keySet().removeIf(o -> o < offset);
        requeued.headSet(offset, false).forEach(requeuedCounts::remove);
        requeued.headSet(offset, false).clear();
        priorCounts.keySet().removeIf(o -> o < offset);
        settled.headSet(offset, false).clear();
        if (offset > floor) floor = offset;
        advanceFloor();
        if (readOffset < floor) readOffset = floor;
    }

    /** Returns an in-flight {@code offset} to the ready messages, to go out again; false if it was not in flight. */
    public boolean requeue(long offset) {
        InFlight was = inFlight.remove(offset);
        if (was == null) return false;
        requeued.add(offset);
        requeuedCounts.put(offset, was.deliveryCount());
        return true;
    }

    /** Requeues every delivery of {@code owner} (its channel closed, it was cancelled); returns how many. */
    public int requeueAll(long owner) {
        int n = 0;
        var it = inFlight.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue().owner() == owner) {
                it.remove();
                requeued.add(e.getKey());
                requeuedCounts.put(e.getKey(), e.getValue().deliveryCount());
                n++;
            }
        }
        return n;
    }

    /** The offsets settled at or above the floor, for the journal's checkpoint. */
    public NavigableSet<Long> settledAboveFloor() { return java.util.Collections.unmodifiableNavigableSet(settled); }

    private void advanceFloor() {
        while (!settled.isEmpty() && settled.first() == floor) {
            settled.pollFirst();
            floor++;
        }
    }

    @Override
    public String toString() {
        return "QueueCursor(floor=" + floor + ", read=" + readOffset + ", settled=" + settled.size() + ", inFlight="
            + inFlight.size() + ", requeued=" + requeued.size() + ")";
    }
}
