package io.wharf.log.record;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Builds one record batch v2 (layout in {@link RecordBatch}, record layout in {@link Record}) into a heap
 * buffer, the way a Kafka producer or Kafka's log cleaner would write it.
 *
 * <p>Records are encoded as they are appended, straight into one growable array that already reserves the
 * 61 header bytes: an append copies the key, value and headers once (header keys are UTF-8 encoded in place)
 * and allocates nothing of its own beyond that array's occasional doubling. {@link #build()} then fills in
 * the header: for an uncompressed batch in place, for a compressed one after running the records section
 * through the codec once. The header's fields follow Kafka's builder: baseTimestamp is the first record's
 * timestamp (or the delete horizon when one is set), maxTimestamp the largest record timestamp,
 * lastOffsetDelta the last appended offset minus baseOffset, and the CRC-32C covers attributes to the end.
 *
 * <p>Invariants kept while appending: offsets strictly increase and are at least baseOffset, so offset
 * deltas are non-negative but may have gaps ({@link #appendWithOffset}, used by compaction); header
 * fields that the deltas depend on (baseOffset, delete horizon) are fixed once the first record is in.
 *
 * <p>A builder makes one batch: after {@link #build()} it refuses further use, because the returned buffer
 * may share its array. Not thread-safe.
 */
public final class RecordBatchBuilder {
    private static final int DEFAULT_CAPACITY = 1024;
    /** Bit 6 of the attributes (KIP-534): baseTimestamp holds the cleaner's delete horizon. */
    private static final int DELETE_HORIZON_MASK = 0x40;

    private final Compression compression;
    private int compressionLevel;
    private long baseOffset = 0;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private boolean transactional;
    private boolean control;
    private boolean logAppendTime;
    private long deleteHorizonMs = RecordBatch.NO_TIMESTAMP;

    /** The batch so far: header placeholder, then the uncompressed records. */
    private final GrowableBytes out;
    private int recordCount;
    private long lastOffset;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private boolean built;

    private RecordBatchBuilder(Compression compression, int initialCapacity) {
        this.compression = compression;
        this.compressionLevel = compression.defaultLevel();
        this.out = new GrowableBytes(Math.max(RecordBatch.HEADER_SIZE, initialCapacity));
        this.out.size = RecordBatch.HEADER_SIZE;
    }

    public static RecordBatchBuilder newBatch(Compression compression) {
        return newBatch(compression, DEFAULT_CAPACITY);
    }

    /** As {@link #newBatch(Compression)}, sizing the buffer for about {@code initialCapacity} bytes. */
    public static RecordBatchBuilder newBatch(Compression compression, int initialCapacity) {
        if (compression == null) throw new NullPointerException("compression");
        return new RecordBatchBuilder(compression, initialCapacity);
    }

    /** An uncompressed-key batch of {@code values} at offsets 0.., all with {@code timestamp}; for tests and benchmarks. */
    public static ByteBuffer of(Compression compression, long timestamp, byte[]... values) {
        RecordBatchBuilder builder = newBatch(compression);
        for (byte[] value : values) builder.append(timestamp, null, value);
        return builder.build();
    }

    /**
     * The level the records section is compressed at (default: the codec's default); it must be valid
     * for the codec ({@link Compression#isValidLevel}).
     */
    public RecordBatchBuilder compressionLevel(int level) {
        checkOpen();
        if (!compression.isValidLevel(level)) {
            throw new IllegalArgumentException(compression.configName() + " does not support compression level "
                + level + " (valid: " + compression.levelRange() + ")");
        }
        this.compressionLevel = level;
        return this;
    }

    /** The offset of the first record; only before the first append, since deltas are relative to it. */
    public RecordBatchBuilder baseOffset(long baseOffset) {
        checkNoRecords("baseOffset");
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder producer(long producerId, short epoch, int baseSequence) {
        checkOpen();
        this.producerId = producerId;
        this.producerEpoch = epoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        checkOpen();
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder control(boolean control) {
        checkOpen();
        this.control = control;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
        checkOpen();
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /**
     * Marks the batch as carrying log-append time: readers then give every record the batch's
     * maxTimestamp. The broker usually stamps that time later with {@link RecordBatch#setLogAppendTime}.
     */
    public RecordBatchBuilder logAppendTime(boolean logAppendTime) {
        checkOpen();
        this.logAppendTime = logAppendTime;
        return this;
    }

    /**
     * Sets the delete horizon (KIP-534) that the log cleaner stores in baseTimestamp, flagged by attribute
     * bit 6; record timestamps are then written relative to it. Only before the first append.
     */
    public RecordBatchBuilder deleteHorizonMs(long deleteHorizonMs) {
        checkNoRecords("deleteHorizonMs");
        this.deleteHorizonMs = deleteHorizonMs;
        return this;
    }

    /** Appends a record at the next offset: baseOffset for the first, the last offset + 1 after that. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Header... headers) {
        long offset = recordCount == 0 ? baseOffset : lastOffset + 1;
        List<Header> headerList = headers == null || headers.length == 0 ? List.of() : Arrays.asList(headers);
        return appendWithOffset(offset, timestamp, key == null ? null : ByteBuffer.wrap(key),
            value == null ? null : ByteBuffer.wrap(value), headerList);
    }

    /**
     * Appends a record at an explicit offset, which must be above the last one and not below baseOffset;
     * gaps are allowed (compaction keeps the surviving records' offsets). Key and value are read from
     * their position to their limit without moving either; null means absent (a null value is a tombstone).
     */
    public RecordBatchBuilder appendWithOffset(long offset, long timestamp, ByteBuffer key, ByteBuffer value,
                                               List<Header> headers) {
        checkOpen();
        if (offset < baseOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " is outside the batch's range [" + baseOffset
                + ", " + (baseOffset + Integer.MAX_VALUE) + "]");
        }
        if (recordCount > 0 && offset <= lastOffset) {
            throw new IllegalArgumentException("Offset " + offset + " does not follow the last offset " + lastOffset);
        }
        if (recordCount == 0) {
            baseTimestamp = deleteHorizonMs >= 0 ? deleteHorizonMs : timestamp;
        }
        writeRecord((int) (offset - baseOffset), timestamp - baseTimestamp, key, value,
            headers == null ? List.of() : headers);
        if (recordCount == 0 || timestamp > maxTimestamp) maxTimestamp = timestamp;
        lastOffset = offset;
        recordCount++;
        return this;
    }

    public int recordCount() { return recordCount; }

    /**
     * An upper bound of the batch's size if it were built now, so it is safe for size limits: exact when
     * uncompressed; for a compressed batch the codec's worst case over the records appended so far (the
     * built batch is usually much smaller).
     */
    public int estimatedSize() {
        if (compression == Compression.NONE || recordCount == 0) return out.size;
        long bound = RecordBatch.HEADER_SIZE + compression.maxCompressedSize(out.size - RecordBatch.HEADER_SIZE);
        return (int) Math.min(Integer.MAX_VALUE, bound);
    }

    /**
     * Finishes the batch: a buffer at position 0 whose limit is exactly the batch. An empty builder makes a
     * header-only batch (record count 0, lastOffsetDelta 0, no records section, attributes saying
     * uncompressed), the shape Kafka gives the empty batches its cleaner keeps for producer state.
     */
    public ByteBuffer build() {
        checkOpen();
        if (transactional && producerId < 0) {
            throw new IllegalStateException("A transactional batch needs a producer id (got " + producerId + ")");
        }
        built = true;
        GrowableBytes batch = out;
        if (compression != Compression.NONE && recordCount > 0) {
            int recordsSize = out.size - RecordBatch.HEADER_SIZE;
            batch = new GrowableBytes(RecordBatch.HEADER_SIZE + recordsSize / 2 + 64);
            batch.size = RecordBatch.HEADER_SIZE;
            try (OutputStream compressed = compression.wrapForOutput(batch, compressionLevel)) {
                compressed.write(out.bytes, RecordBatch.HEADER_SIZE, recordsSize);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot " + compression.configName() + "-compress a record batch", e);
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(batch.bytes, 0, batch.size).slice();
        writeHeader(buffer);
        return buffer;
    }

    private void writeHeader(ByteBuffer buffer) {
        // Kafka writes a batch without records (kept by the cleaner for its producer state) uncompressed:
        // its consumers' streaming iterator would try to decompress an empty records section and fail.
        int attributes = recordCount == 0 ? Compression.NONE.id() : compression.id();
        if (logAppendTime) attributes |= RecordBatch.TIMESTAMP_TYPE_MASK;
        if (transactional) attributes |= RecordBatch.TRANSACTIONAL_MASK;
        if (control) attributes |= RecordBatch.CONTROL_MASK;
        if (deleteHorizonMs >= 0) attributes |= DELETE_HORIZON_MASK;
        buffer.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        buffer.putInt(RecordBatch.LENGTH_OFFSET, buffer.limit() - RecordBatch.LOG_OVERHEAD);
        buffer.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        buffer.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        buffer.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) attributes);
        buffer.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, recordCount == 0 ? 0 : (int) (lastOffset - baseOffset));
        buffer.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, recordCount == 0 ? deleteHorizonMs : baseTimestamp);
        buffer.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buffer.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        buffer.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        buffer.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        buffer.putInt(RecordBatch.RECORD_COUNT_OFFSET, recordCount);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset() + RecordBatch.ATTRIBUTES_OFFSET,
            buffer.limit() - RecordBatch.ATTRIBUTES_OFFSET);
        buffer.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
    }

    /** Sizes the record first (its length prefix comes first), then writes it straight into the array. */
    private void writeRecord(int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value, List<Header> headers) {
        long body = 1 + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(offsetDelta)
            + sizeOfBytes(key) + sizeOfBytes(value) + Varint.sizeOfVarint(headers.size());
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            int keyLength = Utf8.length(header.key());
            byte[] headerValue = header.value();
            body += Varint.sizeOfVarint(keyLength) + keyLength
                + (headerValue == null ? 1 : Varint.sizeOfVarint(headerValue.length) + headerValue.length);
        }
        if (body > Integer.MAX_VALUE - 16 - Varint.MAX_VARINT_SIZE - (long) out.size) {
            throw new IllegalArgumentException("Record of " + body + " bytes does not fit in a batch of " + out.size);
        }
        out.ensure(Varint.sizeOfVarint((int) body) + (int) body);
        byte[] bytes = out.bytes;
        int pos = Varint.writeVarint((int) body, bytes, out.size);
        bytes[pos++] = 0; // record attributes: unused
        pos = Varint.writeVarlong(timestampDelta, bytes, pos);
        pos = Varint.writeVarint(offsetDelta, bytes, pos);
        pos = writeBytes(key, bytes, pos);
        pos = writeBytes(value, bytes, pos);
        pos = Varint.writeVarint(headers.size(), bytes, pos);
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            pos = Varint.writeVarint(Utf8.length(header.key()), bytes, pos);
            pos = Utf8.write(header.key(), bytes, pos);
            byte[] headerValue = header.value();
            if (headerValue == null) {
                pos = Varint.writeVarint(-1, bytes, pos);
            } else {
                pos = Varint.writeVarint(headerValue.length, bytes, pos);
                System.arraycopy(headerValue, 0, bytes, pos, headerValue.length);
                pos += headerValue.length;
            }
        }
        out.size = pos;
    }

    private static long sizeOfBytes(ByteBuffer b) {
        return b == null ? 1 : Varint.sizeOfVarint(b.remaining()) + (long) b.remaining();
    }

    private static int writeBytes(ByteBuffer b, byte[] dest, int pos) {
        if (b == null) return Varint.writeVarint(-1, dest, pos);
        int length = b.remaining();
        pos = Varint.writeVarint(length, dest, pos);
        b.get(b.position(), dest, pos, length); // absolute: the caller's position stays put
        return pos + length;
    }

    private void checkOpen() {
        if (built) throw new IllegalStateException("Batch already built; a builder makes one batch");
    }

    private void checkNoRecords(String what) {
        checkOpen();
        if (recordCount > 0) throw new IllegalStateException("Cannot change " + what + " after records were appended");
    }

    /**
     * UTF-8 for header keys without a temporary byte[]: the same bytes as {@code String.getBytes(UTF_8)},
     * including '?' for an unpaired surrogate, so the length computed first matches what is written.
     */
    private static final class Utf8 {
        static int length(String s) {
            int length = s.length();
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) continue;
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // two chars, four bytes
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    length += 2;
                } // an unpaired surrogate becomes one '?'
            }
            return length;
        }

        static int write(String s, byte[] dest, int pos) {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    dest[pos++] = (byte) c;
                } else if (c < 0x800) {
                    dest[pos++] = (byte) (0xC0 | c >> 6);
                    dest[pos++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    dest[pos++] = (byte) (0xF0 | cp >> 18);
                    dest[pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    dest[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    dest[pos++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    dest[pos++] = '?';
                } else {
                    dest[pos++] = (byte) (0xE0 | c >> 12);
                    dest[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
                    dest[pos++] = (byte) (0x80 | c & 0x3F);
                }
            }
            return pos;
        }
    }

    /** A byte array that doubles as needed; also the sink the compressors write into. */
    private static final class GrowableBytes extends OutputStream {
        byte[] bytes;
        int size;

        GrowableBytes(int capacity) { bytes = new byte[capacity]; }

        void ensure(int more) {
            long needed = (long) size + more;
            if (needed > bytes.length) {
                if (needed > Integer.MAX_VALUE - 16) throw new IllegalStateException("Record batch exceeds 2 GiB");
                bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length)));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] src, int offset, int length) {
            ensure(length);
            System.arraycopy(src, offset, bytes, size, length);
            size += length;
        }
    }
}
