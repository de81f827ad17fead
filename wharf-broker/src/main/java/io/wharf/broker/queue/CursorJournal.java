package io.wharf.broker.queue;

import io.wharf.broker.topic.InternalTopic;
import io.wharf.log.Log;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import io.wharf.log.record.Varint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The persisted half of a durable queue's {@link QueueCursor} (or a Kafka share partition's): a log of its
 * own, next to the message log, to which every settlement is appended before it takes effect, so that a restart (or a
 * {@code kill -9}: the append is in the page cache) redelivers nothing that was acknowledged.
 *
 * <p>Records, keyed by their kind:
 * <ul>
 *   <li>{@code s}: settled offsets — a count, then each offset as a zig-zag varlong delta from the previous
 *       one (the first from 0);
 *   <li>{@code d}: deliveries, for cursors whose delivery counts must survive a restart (Kafka share
 *       partitions) — a count, then per range of offsets its first offset as a zig-zag varlong delta from
 *       the previous range's first (the first from 0), its length less one and its delivery count as varints;
 *   <li>{@code c}: a checkpoint — the floor, then the settled offsets above it, in the {@code s} encoding,
 *       then (if any) the delivery counts of unsettled offsets, in the {@code d} encoding.
 *       Everything before a checkpoint is superseded by it, and the journal drops it.
 * </ul>
 * A checkpoint is written once enough settlements accumulated; the log start then moves to it.
 *
 * <p>Not thread-safe: called under its queue's lock.
 */
public final class CursorJournal {
    private static final byte[] SETTLED = {'s'};
    private static final byte[] CHECKPOINT = {'c'};
    private static final byte[] DELIVERED = {'d'};
    /** Settlements between two checkpoints. */
    private static final int CHECKPOINT_EVERY = 50_000;

    private final Log log;
    private int sinceCheckpoint;

    public CursorJournal(Log log) {
        this.log = log;
    }

    /**
     * The floor, settled offsets and delivery counts the journal holds (a fresh cursor at {@code defaultFloor}
     * if it is empty).
     */
    public QueueCursor load(long defaultFloor) {
        long[] floor = {defaultFloor};
        NavigableSet<Long> settled = new TreeSet<>();
        Map<Long, Integer> deliveryCounts = new HashMap<>();
        InternalTopic.replay(log, batch -> RecordDecoder.forEach(batch, record -> {
            ByteBuffer value = record.value();
            byte kind = record.key().get(0);
            if (kind == 'd') {
                readDeliveries(value, deliveryCounts);
                return;
            }
            if (kind == 'c') {
                settled.clear();
                deliveryCounts.clear();
                floor[0] = Varint.readVarlong(value);
            }
            int n = Varint.readVarint(value);
            long previous = 0;
            for (int i = 0; i < n; i++) {
                previous += Varint.readVarlong(value);
                settled.add(previous);
            }
            if (kind == 'c' && value.hasRemaining()) readDeliveries(value, deliveryCounts);
        }));
        return QueueCursor.restore(Math.max(floor[0], defaultFloor), settled, deliveryCounts);
    }

    /** Whether nothing was ever journalled (the cursor is new). */
    public boolean isEmpty() { return log.logEndOffset() == 0; }

    /** Appends settlements; call before the cursor settles them. */
    public void settled(long[] offsets, int count) {
        if (count == 0) return;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + count * 3);
        writeOffsets(new DataOutputStream(bytes), offsets, count);
        append(SETTLED, bytes.toByteArray());
        sinceCheckpoint += count;
    }

    /** Appends deliveries whose counts must survive a restart; call before handing them out. */
    public void delivered(List<DeliveredRange> ranges) {
        if (ranges.isEmpty()) return;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 + ranges.size() * 8);
        writeDeliveries(new DataOutputStream(bytes), ranges);
        append(DELIVERED, bytes.toByteArray());
        for (DeliveredRange r : ranges) sinceCheckpoint += (int) Math.min(CHECKPOINT_EVERY, r.lastOffset() - r.firstOffset() + 1);
    }

    /** Whether enough settlements accumulated to write a checkpoint. */
    public boolean checkpointDue() { return sinceCheckpoint >= CHECKPOINT_EVERY; }

    /** Writes the cursor's state as a checkpoint and drops the journal before it. */
    public void checkpoint(QueueCursor cursor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        long[] settled = cursor.settledAboveFloor().stream().mapToLong(Long::longValue).toArray();
        try {
            Varint.writeVarlong(cursor.floor(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeOffsets(out, settled, settled.length);
        List<DeliveredRange> counts = ranges(cursor.deliveryCounts());
        if (!counts.isEmpty()) writeDeliveries(out, counts);
        long offset = append(CHECKPOINT, bytes.toByteArray());
        log.deleteRecordsBefore(offset);
        sinceCheckpoint = 0;
    }

    private long append(byte[] key, byte[] value) {
        ByteBuffer batch = RecordBatchBuilder.newBatch(Compression.NONE, value.length + 80)
            .append(System.currentTimeMillis(), key, value).build();
        long offset = log.append(batch).firstOffset();
        log.highWatermarkToLogEnd();
        return offset;
    }

    /** Consecutive offsets with equal counts as one range each. */
    private static List<DeliveredRange> ranges(NavigableMap<Long, Integer> counts) {
        List<DeliveredRange> ranges = new ArrayList<>();
        long first = -1;
        long last = -1;
        int count = 0;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (first >= 0 && e.getKey() == last + 1 && e.getValue() == count) {
                last = e.getKey();
                continue;
            }
            if (first >= 0) ranges.add(new DeliveredRange(first, last, count));
            first = e.getKey();
            last = first;
            count = e.getValue();
        }
        if (first >= 0) ranges.add(new DeliveredRange(first, last, count));
        return ranges;
    }

    private static void writeDeliveries(DataOutputStream out, List<DeliveredRange> ranges) {
        try {
            Varint.writeVarint(ranges.size(), out);
            long previous = 0;
            for (DeliveredRange r : ranges) {
                Varint.writeVarlong(r.firstOffset() - previous, out);
                Varint.writeVarint((int) (r.lastOffset() - r.firstOffset()), out);
                Varint.writeVarint(r.deliveryCount(), out);
                previous = r.firstOffset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    private static void readDeliveries(ByteBuffer value, Map<Long, Integer> counts) {
        int n = Varint.readVarint(value);
        long first = 0;
        for (int i = 0; i < n; i++) {
            first += Varint.readVarlong(value);
            long last = first + Varint.readVarint(value);
            int count = Varint.readVarint(value);
            for (long offset = first; offset <= last; offset++) counts.put(offset, count);
        }
    }

    private static void writeOffsets(DataOutputStream out, long[] offsets, int count) {
        try {
            Varint.writeVarint(count, out);
            long previous = 0;
            for (int i = 0; i < count; i++) {
                Varint.writeVarlong(offsets[i] - previous, out);
                previous = offsets[i];
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }
}
