package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .timeindex} file of a segment: a sparse map from timestamp to offset, for finding the first
 * record at or after a time (ListOffsets by timestamp, retention by time), in Kafka's layout.
 *
 * <p>Each entry is 12 bytes: an 8-byte timestamp, the largest batch max timestamp seen in the segment so
 * far, then the 4-byte offset (relative to the segment's base) of the last offset of the first batch that
 * carried it. As in Kafka, an entry is offered beside each offset index entry, after the indexed batch
 * counts towards the maximum, and once more when the segment stops being active (roll, close, recovery),
 * so the last entry holds the segment's maximum. It is kept only if the timestamp grew, so timestamps and
 * offsets both increase strictly, and every record up to an entry's offset has a timestamp at most the
 * entry's. Like Kafka, an active index keeps its last slot for that final entry. Derived data, rebuilt
 * after a crash.
 */
public final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    /**
     * Like Kafka's, the last slot is kept for {@link #maybeAppendFinal}: the segment rolls before its
     * maximum timestamp could find no room.
     */
    @Override
    public boolean isFull() { return entries() >= maxEntries() - 1; }

    /** Adds an entry if {@code timestamp} is larger than the last one's (or, for the first, than none). */
    public void maybeAppend(long timestamp, long offset) {
        if (!isFull()) append(timestamp, offset);
    }

    /**
     * The entry for the segment's maximum timestamp when it stops taking appends: may use the slot
     * {@link #isFull} keeps.
     */
    public void maybeAppendFinal(long timestamp, long offset) {
        if (entries() < maxEntries()) append(timestamp, offset);
    }

    private void append(long timestamp, long offset) {
        if (timestamp <= RecordBatch.NO_TIMESTAMP) return;
        int n = entries();
        MappedByteBuffer buf = buffer();
        if (n > 0) {
            long lastTimestamp = buf.getLong((n - 1) * ENTRY_SIZE);
            int lastRelative = buf.getInt((n - 1) * ENTRY_SIZE + 8);
            if (timestamp <= lastTimestamp || relativeOffset(offset) <= lastRelative) return;
        }
        buf.putLong(n * ENTRY_SIZE, timestamp);
        buf.putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
        publish(n + 1);
    }

    /**
     * The offset to start scanning from for the first record with a timestamp at or after
     * {@code timestamp}: the offset of the last entry whose timestamp is strictly smaller (all records up to
     * it are older), or the segment's base offset.
     */
    public long lookup(long timestamp) {
        int slot = largestLowerBound(timestamp - 1);
        return slot < 0 ? baseOffset : baseOffset + buffer().getInt(slot * ENTRY_SIZE + 8);
    }

    /** Entry {@code n}: a timestamp and an absolute offset; {@code n} is below {@link #entries()}. */
    public TimestampAndOffset entry(int n) {
        MappedByteBuffer buf = buffer();
        return new TimestampAndOffset(buf.getLong(n * ENTRY_SIZE), baseOffset + buf.getInt(n * ENTRY_SIZE + 8));
    }

    /** The largest timestamp indexed, or -1 if none. */
    public long lastTimestamp() {
        int n = entries();
        return n == 0 ? -1 : buffer().getLong((n - 1) * ENTRY_SIZE);
    }

    /** Drops entries for offsets at or above {@code offset}. */
    public void truncateTo(long offset) {
        int n = entries();
        MappedByteBuffer buf = buffer();
        int keep = n;
        while (keep > 0 && baseOffset + buf.getInt((keep - 1) * ENTRY_SIZE + 8) >= offset) keep--;
        publish(keep);
    }

    @Override
    protected long keyAt(MappedByteBuffer buf, int n) {
        return buf.getLong(n * ENTRY_SIZE);
    }
}
