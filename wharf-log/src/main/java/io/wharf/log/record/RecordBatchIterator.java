package io.wharf.log.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks the batches laid end to end in a buffer, from its position to its limit, without copying.
 * It stops before a batch that is not wholly inside the buffer; {@link #validBytes()} then tells how far
 * the complete batches reach, so a caller can tell a clean end from a torn tail. It checks sizes only:
 * CRC and magic are the caller's to check ({@link BatchValidator}).
 */
public final class RecordBatchIterator implements Iterator<RecordBatch> {
    private final ByteBuffer buffer;
    private int next;

    public RecordBatchIterator(ByteBuffer buffer) {
        this.buffer = buffer;
        this.next = buffer.position();
    }

    public static Iterable<RecordBatch> batches(ByteBuffer buffer) {
        return () -> new RecordBatchIterator(buffer);
    }

    @Override
    public boolean hasNext() {
        int remaining = buffer.limit() - next;
        if (remaining < RecordBatch.HEADER_SIZE) return false;
        int length = buffer.getInt(next + RecordBatch.LENGTH_OFFSET);
        return length >= RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD
            && length <= remaining - RecordBatch.LOG_OVERHEAD;
    }

    @Override
    public RecordBatch next() {
        if (!hasNext()) throw new NoSuchElementException();
        RecordBatch batch = RecordBatch.at(buffer, next);
        next += batch.sizeInBytes();
        return batch;
    }

    /** Bytes from the buffer's starting position covered by the batches returned so far. */
    public int validBytes() { return next - buffer.position(); }
}
