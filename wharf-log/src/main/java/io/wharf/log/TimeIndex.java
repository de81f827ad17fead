package io.wharf.log;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .timeindex} file of a segment: a sparse map from timestamp to offset, for finding the first
 * record at or after a time (ListOffsets by timestamp, retention by time).
 *
 * <p>Each entry is 12 bytes: an 8-byte timestamp, the largest seen in the segment so far, then the 4-byte
 * offset (relative to the segment's base) of the record carrying it. An entry is added beside each offset
 * index entry, but only when the timestamp grew, so timestamps and offsets both increase strictly. Every
 * record before an entry's offset has a timestamp at most the entry's. Derived data, rebuilt after a crash.
 */
public final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    /** Adds an entry if {@code timestamp} is larger than the last one's. */
    public void maybeAppend(long timestamp, long offset) {
        int n = entries();
        MappedByteBuffer buf = buffer();
        if (n > 0) {
            long lastTimestamp = buf.getLong((n - 1) * ENTRY_SIZE);
            int lastRelative = buf.getInt((n - 1) * ENTRY_SIZE + 8);
            if (timestamp <= lastTimestamp || relativeOffset(offset) <= lastRelative) return;
        }
        if (isFull()) return;
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
