package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

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

    private static void read(FileSlice slice, long at, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (slice.channel().read(into, slice.position() + at + into.position()) < 0) {
                throw new IOException("Segment ended inside a batch header at " + (slice.position() + at));
            }
        }
    }
}
