package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole batches at the start of a {@link FileSlice} and the offsets they hold. A read may end in a
 * batch cut short by its size limit, which a Kafka client skips; a reader that hands out records one by
 * one (a share group) must not count that batch's offsets as sent. Reads two small headers per batch.
 *
 * @param slice       the slice cut to its whole batches (empty if there is none)
 * @param firstOffset the base offset of the first batch
 * @param endOffset   one past the last offset of the last whole batch ({@code firstOffset} if none)
 */
public record WholeBatches(FileSlice slice, long firstOffset, long endOffset) {
    private static final int HEAD = RecordBatch.LOG_OVERHEAD;

    /** Scans the batch headers of {@code slice}. */
    public static WholeBatches of(FileSlice slice) {
        if (slice.isEmpty()) return new WholeBatches(FileSlice.EMPTY, -1, -1);
        ByteBuffer head = ByteBuffer.allocate(HEAD);
        ByteBuffer delta = ByteBuffer.allocate(4);
        long first = -1;
        long end = -1;
        long pos = 0;
        try {
            while (pos + RecordBatch.HEADER_SIZE <= slice.size()) {
                head.clear();
                read(slice, pos, head);
                long baseOffset = head.getLong(RecordBatch.BASE_OFFSET_OFFSET);
                int size = HEAD + head.getInt(RecordBatch.LENGTH_OFFSET);
                if (pos + size > slice.size()) break;
                delta.clear();
                read(slice, pos + RecordBatch.LAST_OFFSET_DELTA_OFFSET, delta);
                if (first < 0) first = baseOffset;
                end = baseOffset + delta.getInt(0) + 1;
                pos += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (first < 0) return new WholeBatches(FileSlice.EMPTY, -1, -1);
        return new WholeBatches(new FileSlice(slice.channel(), slice.position(), (int) pos), first, end);
    }

    /** One batch's offsets and producer, as its header gives them. */
    public record BatchHeader(long baseOffset, long lastOffset, long producerId, boolean transactional, boolean control) {
    }

    /**
     * The headers of these batches, in offset order: what a broker-side reader needs to tell the batches of
     * aborted transactions from the rest (a Kafka share group reading committed records).
     */
    public List<BatchHeader> headers() {
        List<BatchHeader> headers = new ArrayList<>();
        ByteBuffer head = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        long pos = 0;
        try {
            while (pos < slice.size()) {
                head.clear();
                read(slice, pos, head);
                long baseOffset = head.getLong(RecordBatch.BASE_OFFSET_OFFSET);
                short attributes = head.getShort(RecordBatch.ATTRIBUTES_OFFSET);
                headers.add(new BatchHeader(baseOffset, baseOffset + head.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET),
                    head.getLong(RecordBatch.PRODUCER_ID_OFFSET), (attributes & RecordBatch.TRANSACTIONAL_MASK) != 0,
                    (attributes & RecordBatch.CONTROL_MASK) != 0));
                pos += HEAD + head.getInt(RecordBatch.LENGTH_OFFSET);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return headers;
    }

    private static void read(FileSlice slice, long at, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (slice.channel().read(into, slice.position() + at + into.position()) < 0) {
                throw new IOException("Segment ended inside a batch header at " + (slice.position() + at));
            }
        }
    }
}
