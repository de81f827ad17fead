package io.wharf.log;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .index} file of a segment: a sparse map from offset to the byte position of a batch in the
 * {@code .log} file, in Kafka's layout, so that Kafka's own tools ({@code DumpLogSegments}) read it.
 *
 * <p>Each entry is 8 bytes: a 4-byte offset relative to the segment's base offset, then the 4-byte file
 * position of a batch. As in Kafka, the offset is the batch's <em>last</em> offset. An entry is added for
 * the first batch that starts more than {@code index.interval.bytes} after the previous entry's batch (so
 * the segment's first batch is never indexed), so offsets and positions both increase strictly.
 *
 * <p>Segments written by Wharf before it followed Kafka here hold the batch's <em>base</em> offset
 * instead. A lookup is correct for either, because it relies only on this invariant: an entry's offset
 * lies within the batch at its position (base offset &lt;= entry &lt;= last offset). Then for a target
 * offset at or above an entry, the batch holding the target starts at or after that entry's position,
 * and a reader scans batch headers forward from there to the first batch whose last offset reaches the
 * target. Truncation is correct for either too: a log is cut at a batch boundary, and an entry is at or
 * above the cut exactly when its batch is. The loader still rebuilds an old index it recognises
 * ({@link SegmentIndexCheck}) so that Kafka's tools find no mismatch. The index is derived data: after an
 * unclean shutdown it is rebuilt from the log.
 */
public final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    /**
     * Appends an entry for the batch at {@code position} whose last offset is {@code offset}; offsets must
     * increase. Called by the segment's single writer.
     */
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
     * The entry to start scanning from for {@code offset}: the last entry at or before it, or the start of
     * the segment (base offset, position 0). The batch holding {@code offset} starts at or after the
     * position returned, not necessarily at it.
     */
    public OffsetPosition lookup(long offset) {
        int slot = largestLowerBound(offset);
        return slot < 0 ? new OffsetPosition(baseOffset, 0) : entry(slot);
    }

    /** Entry {@code n}, in absolute offsets; {@code n} is below {@link #entries()}. */
    public OffsetPosition entry(int n) {
        MappedByteBuffer buf = buffer();
        return new OffsetPosition(baseOffset + buf.getInt(n * ENTRY_SIZE), buf.getInt(n * ENTRY_SIZE + 4));
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
