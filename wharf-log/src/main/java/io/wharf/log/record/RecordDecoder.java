package io.wharf.log.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Decodes the records of one v2 batch (see {@link RecordBatch} for the header, {@link Record} for one
 * record's layout). When the batch is compressed the whole records section is one compressed stream; it is
 * decompressed into one array and the records are sliced out of it.
 *
 * <p>Decoding is strict, because a batch that decodes "mostly" would hand consumers and the cleaner
 * wrong data: the header's record count must match the records found exactly, every record must use
 * exactly the bytes its length prefix claims, and nothing may follow the last record. Any violation, and
 * any decompression failure, throws {@link CorruptRecordException} naming the batch's base offset.
 * Lengths are checked against the bytes actually present before anything is allocated, so a corrupt length
 * or count can neither hang the decoder nor exhaust the heap. The CRC is not checked here: that is the
 * log's job when it reads from disk (a fetch path must not pay for it twice).
 *
 * <p>Offsets are {@code baseOffset + offsetDelta}; timestamps are {@code baseTimestamp + timestampDelta},
 * or the batch's maxTimestamp for every record when the batch has the log-append-time flag.
 *
 * <p>Stateless and thread-safe; concurrent decodes of one buffer are fine because only absolute reads and
 * private views touch it.
 */
public final class RecordDecoder {
    /** attributes + timestampDelta + offsetDelta + keyLength + valueLength + headerCount, one byte each. */
    private static final int MIN_RECORD_BODY = 6;
    /** The length prefix plus the smallest body. */
    private static final int MIN_RECORD_SIZE = 1 + MIN_RECORD_BODY;
    /** A header needs at least its key length and value length. */
    private static final int MIN_HEADER_SIZE = 2;
    /** Java arrays cannot grow past this; a stream that decompresses to more is treated as corrupt. */
    private static final int MAX_DECOMPRESSED_SIZE = Integer.MAX_VALUE - 16;
    /** Give up on a decompressor that keeps returning nothing instead of data or end of stream. */
    private static final int MAX_EMPTY_READS = 1000;

    private RecordDecoder() {}

    /** All records of {@code batch}, in order, in a new list the caller owns. */
    public static List<Record> decode(RecordBatch batch) {
        List<Record> records = new ArrayList<>(Math.max(0, Math.min(batch.recordCount(), 1024)));
        forEach(batch, records::add);
        return records;
    }

    /** Hands each record of {@code batch} to {@code action} in order, without collecting them. */
    public static void forEach(RecordBatch batch, Consumer<Record> action) {
        Reader reader = reader(batch);
        if (reader != null) reader.readAll(batch.recordCount(), action);
    }

    /**
     * Hands each record's timestamp to {@code action}, in order, reading only each record's length prefix
     * and timestamp delta: keys, values and headers are skipped, and nothing is allocated for an
     * uncompressed batch (a compressed one is decompressed first, as for {@link #forEach}). Record count
     * and lengths are checked as strictly as {@link #forEach} checks them, but not the fields after the
     * timestamp.
     */
    public static void forEachTimestamp(RecordBatch batch, LongConsumer action) {
        Reader reader = reader(batch);
        if (reader != null) reader.readTimestamps(batch.recordCount(), action);
    }

    /** A reader over the batch's uncompressed records section, or null if the batch has no records. */
    private static Reader reader(RecordBatch batch) {
        long baseOffset = batch.baseOffset();
        ByteBuffer section = recordsSection(batch, baseOffset);
        int count = batch.recordCount();
        if (count < 0) throw new CorruptRecordException(baseOffset, "negative record count " + count);
        Compression compression = compression(batch, baseOffset);
        if (count == 0) {
            // Kafka readers skip the records section of an empty batch outright (it may hold an empty
            // compressed stream); an uncompressed one must really be empty.
            if (compression == Compression.NONE && section.hasRemaining()) {
                throw new CorruptRecordException(baseOffset, section.remaining() + " bytes after the header of a batch"
                    + " with no records");
            }
            return null;
        }
        if (compression == Compression.NONE) {
            if (count > section.remaining() / MIN_RECORD_SIZE) {
                throw new CorruptRecordException(baseOffset, "record count mismatch: header says " + count
                    + " records but the records section has only " + section.remaining() + " bytes");
            }
        } else {
            section = decompress(section, compression, baseOffset);
        }
        return new Reader(section, baseOffset, batch.baseTimestamp(), batch.isLogAppendTime(), batch.maxTimestamp());
    }

    /** A view of the bytes after the header, after checking the batch is wholly inside its buffer. */
    private static ByteBuffer recordsSection(RecordBatch batch, long baseOffset) {
        ByteBuffer buffer = batch.buffer();
        int start = batch.start();
        if (start < 0 || (long) start + RecordBatch.HEADER_SIZE > buffer.limit()) {
            throw new CorruptRecordException(baseOffset, "batch header at position " + start + " runs past the buffer's"
                + " limit " + buffer.limit());
        }
        if (batch.magic() != RecordBatch.MAGIC) {
            throw new CorruptRecordException(baseOffset, "magic " + batch.magic() + ", only " + RecordBatch.MAGIC
                + " (record batch v2) can be decoded");
        }
        long size = (long) RecordBatch.LOG_OVERHEAD + batch.batchLength();
        if (size < RecordBatch.HEADER_SIZE || start + size > buffer.limit()) {
            throw new CorruptRecordException(baseOffset, "batch length " + batch.batchLength() + " does not fit: "
                + (buffer.limit() - start) + " bytes present, at least " + RecordBatch.HEADER_SIZE + " needed");
        }
        int sectionStart = start + RecordBatch.RECORDS_OFFSET;
        return buffer.slice(sectionStart, (int) (start + size) - sectionStart);
    }

    private static Compression compression(RecordBatch batch, long baseOffset) {
        try {
            return batch.compression();
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException(baseOffset, e.getMessage(), e);
        }
    }

    /**
     * Inflates the whole records section into one heap buffer. The array grows only as data actually comes
     * out of the decompressor, so its size is bounded by real content, never by a claimed length.
     */
    private static ByteBuffer decompress(ByteBuffer compressed, Compression compression, long baseOffset) {
        byte[] out = new byte[Math.max(1024, Math.min(compressed.remaining() * 4, 1 << 20))];
        int size = 0;
        int emptyReads = 0;
        try (InputStream in = compression.wrapForInput(compressed)) {
            while (true) {
                if (size == out.length) {
                    if (size == MAX_DECOMPRESSED_SIZE) {
                        throw new CorruptRecordException(baseOffset, compression.configName()
                            + " records section decompresses to more than " + MAX_DECOMPRESSED_SIZE + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(MAX_DECOMPRESSED_SIZE, 2L * size));
                }
                int n = in.read(out, size, out.length - size);
                if (n < 0) break;
                if (n == 0 && ++emptyReads > MAX_EMPTY_READS) {
                    throw new CorruptRecordException(baseOffset, compression.configName() + " decompressor stalled");
                }
                size += n;
            }
        } catch (IOException | UncheckedIOException e) {
            throw new CorruptRecordException(baseOffset, "cannot decompress " + compression.configName()
                + " records: " + e.getMessage(), e);
        }
        return ByteBuffer.wrap(out, 0, size);
    }

    /** Walks the uncompressed records section; one per batch. */
    private static final class Reader {
        private final ByteBuffer buffer;
        private final long baseOffset;
        private final long baseTimestamp;
        private final boolean logAppendTime;
        private final long maxTimestamp;

        Reader(ByteBuffer buffer, long baseOffset, long baseTimestamp, boolean logAppendTime, long maxTimestamp) {
            this.buffer = buffer;
            this.baseOffset = baseOffset;
            this.baseTimestamp = baseTimestamp;
            this.logAppendTime = logAppendTime;
            this.maxTimestamp = maxTimestamp;
        }

        void readAll(int count, Consumer<Record> action) {
            for (int i = 0; i < count; i++) {
                if (!buffer.hasRemaining()) {
                    throw corrupt("record count mismatch: header says " + count + " records, the section ends after " + i);
                }
                action.accept(readRecord(i));
            }
            if (buffer.hasRemaining()) {
                throw corrupt(buffer.remaining() + " trailing bytes after the last of " + count + " records");
            }
        }

        void readTimestamps(int count, LongConsumer action) {
            for (int i = 0; i < count; i++) {
                if (!buffer.hasRemaining()) {
                    throw corrupt("record count mismatch: header says " + count + " records, the section ends after " + i);
                }
                int end = recordEnd(i);
                int sectionLimit = buffer.limit();
                buffer.limit(end); // fenced in, as in readRecord
                long timestampDelta;
                try {
                    buffer.get(); // attributes
                    timestampDelta = Varint.readVarlong(buffer);
                } catch (BufferUnderflowException | IllegalArgumentException e) {
                    throw corrupt("record " + i + " timestamp delta is cut off or malformed");
                } finally {
                    buffer.limit(sectionLimit);
                }
                action.accept(logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta);
                buffer.position(end);
            }
            if (buffer.hasRemaining()) {
                throw corrupt(buffer.remaining() + " trailing bytes after the last of " + count + " records");
            }
        }

        /** Reads record {@code index}'s length prefix and returns where the record ends, after checking it fits. */
        private int recordEnd(int index) {
            int recordStart = buffer.position();
            int length = varint(index, "length");
            if (length < MIN_RECORD_BODY || length > buffer.remaining()) {
                throw corrupt("record " + index + " at byte " + recordStart + " has length " + length + ", but "
                    + buffer.remaining() + " bytes remain (minimum " + MIN_RECORD_BODY + ")");
            }
            return buffer.position() + length;
        }

        private Record readRecord(int index) {
            int recordStart = buffer.position();
            int end = recordEnd(index);
            int length = end - buffer.position();
            int sectionLimit = buffer.limit();
            // Fence the record in: a field that runs past the length prefix fails as underflow right here.
            buffer.limit(end);
            try {
                buffer.get(); // attributes: unused in v2 records
                long timestampDelta = Varint.readVarlong(buffer);
                int offsetDelta = Varint.readVarint(buffer);
                ByteBuffer key = bytes(index, "key");
                ByteBuffer value = bytes(index, "value");
                List<Header> headers = headers(index);
                if (buffer.hasRemaining()) {
                    throw corrupt("record " + index + " has length " + length + " but its fields end "
                        + buffer.remaining() + " bytes earlier");
                }
                long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
                return new Record(baseOffset + offsetDelta, offsetDelta, timestamp, key, value, headers);
            } catch (BufferUnderflowException e) {
                throw corrupt("record " + index + " at byte " + recordStart + " is longer than its length " + length);
            } catch (IllegalArgumentException e) {
                throw corrupt("record " + index + ": " + e.getMessage());
            } finally {
                buffer.limit(sectionLimit);
            }
        }

        /** A length-prefixed byte string as a read-only slice; null for length -1. */
        private ByteBuffer bytes(int index, String what) {
            int length = Varint.readVarint(buffer);
            if (length == -1) return null;
            checkLength(index, what, length);
            ByteBuffer slice = buffer.slice(buffer.position(), length).asReadOnlyBuffer();
            buffer.position(buffer.position() + length);
            return slice;
        }

        private List<Header> headers(int index) {
            int count = Varint.readVarint(buffer);
            if (count == 0) return List.of();
            if (count < 0 || count > buffer.remaining() / MIN_HEADER_SIZE) {
                throw corrupt("record " + index + " claims " + count + " headers in " + buffer.remaining() + " bytes");
            }
            Header[] headers = new Header[count];
            for (int i = 0; i < count; i++) {
                int keyLength = Varint.readVarint(buffer);
                checkLength(index, "header key", keyLength);
                String key = utf8(keyLength);
                int valueLength = Varint.readVarint(buffer);
                byte[] value = null;
                if (valueLength != -1) {
                    checkLength(index, "header value", valueLength);
                    value = new byte[valueLength];
                    buffer.get(value);
                }
                headers[i] = new Header(key, value);
            }
            return List.of(headers);
        }

        private String utf8(int length) {
            String s;
            if (buffer.hasArray()) {
                s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
                buffer.position(buffer.position() + length);
            } else {
                byte[] bytes = new byte[length];
                buffer.get(bytes);
                s = new String(bytes, StandardCharsets.UTF_8);
            }
            return s;
        }

        private void checkLength(int index, String what, int length) {
            if (length < 0 || length > buffer.remaining()) {
                throw corrupt("record " + index + " " + what + " length " + length + " but " + buffer.remaining()
                    + " bytes remain in the record");
            }
        }

        private int varint(int index, String what) {
            try {
                return Varint.readVarint(buffer);
            } catch (BufferUnderflowException e) {
                throw corrupt("record " + index + " " + what + " is cut off");
            } catch (IllegalArgumentException e) {
                throw corrupt("record " + index + " " + what + ": " + e.getMessage());
            }
        }

        private CorruptRecordException corrupt(String reason) {
            return new CorruptRecordException(baseOffset, reason);
        }
    }
}
