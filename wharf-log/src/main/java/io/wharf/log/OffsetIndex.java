package io.wharf.log;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .index} file of a segment: a sparse map from offset to the byte position of the batch that
 * holds it in the {@code .log} file.
 *
 * <p>Each entry is 8 bytes: a 4-byte offset relative to the segment's base offset, then the 4-byte file
 * position of a batch starting with that offset. Entries are added every {@code index.interval.bytes} of
 * appended data, so offsets and positions both increase strictly. A lookup finds the last entry at or
 * before an offset; a reader then scans batch headers forward from that position. The index is derived
 * data: after an unclean shutdown it is rebuilt from the log.
 */
public final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    /** Appends an entry; offsets must increase. Called by the segment's single writer. */
    public void append(long offset, int position) {
        int n = entries();
        MappedByteBuffer buf = buffer();
        if (n > 0 && offset <= baseOffset + buf.getInt(n * ENTRY_SIZE - ENTRY_SIZE)) {
            throw new IllegalStateException("Index " + file() + ": offset " + offset
                + " is not larger than the last entry " + lastOffset());
        }
        buf.putInt(n * ENTRY_SIZE, relativeOffset(offset));
        buf.putInt(n * ENTRY_SIZE + 4, position);
        publish(n + 1);
    }

    /**
     * The position to start scanning from for {@code offset}: that of the last entry at or before it, or
     * the start of the segment.
     */
    public OffsetPosition lookup(long offset) {
        int slot = largestLowerBound(offset);
        if (slot < 0) return new OffsetPosition(baseOffset, 0);
        MappedByteBuffer buf = buffer();
        return new OffsetPosition(baseOffset + buf.getInt(slot * ENTRY_SIZE), buf.getInt(slot * ENTRY_SIZE + 4));
    }

    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset : baseOffset + buffer().getInt((n - 1) * ENTRY_SIZE);
    }

    /** Drops entries for offsets at or above {@code offset} (the log was truncated there). */
    public void truncateTo(long offset) { truncateToKey(offset); }

    @Override
    protected long keyAt(MappedByteBuffer buf, int n) {
        return baseOffset + buf.getInt(n * ENTRY_SIZE);
    }
}
