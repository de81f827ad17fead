package io.wharf.log.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A read view over one record batch in Kafka's format v2 (magic 2), the unit Wharf stores on disk.
 *
 * <pre>
 * offset  size  field
 *      0     8  baseOffset            (not covered by the CRC: assigned by the log on append)
 *      8     4  batchLength           (bytes after this field)
 *     12     4  partitionLeaderEpoch  (not covered by the CRC)
 *     16     1  magic = 2
 *     17     4  crc                   (CRC-32C of everything from attributes to the end of the batch)
 *     21     2  attributes            (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control)
 *     23     4  lastOffsetDelta
 *     27     8  baseTimestamp
 *     35     8  maxTimestamp
 *     43     8  producerId
 *     51     2  producerEpoch
 *     53     4  baseSequence
 *     57     4  recordCount
 *     61     -  records (compressed as a whole when the compression bits are set)
 * </pre>
 *
 * The view reads with absolute gets only, so it never moves the buffer's position and several views may
 * share one buffer. It does not copy. It is not thread-safe if the underlying bytes change.
 */
public final class RecordBatch {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Bytes before the batchLength field's count starts: baseOffset + batchLength. */
    public static final int LOG_OVERHEAD = 12;
    /** Size of a batch with no records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** Bytes needed to know a batch's offset, size and magic. */
    public static final int PEEK_SIZE = MAGIC_OFFSET + 1;
    public static final byte MAGIC = 2;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final long NO_TIMESTAMP = -1L;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;

    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_MASK = 0x10;
    public static final int CONTROL_MASK = 0x20;

    private final ByteBuffer buffer;
    private final int start;

    private RecordBatch(ByteBuffer buffer, int start) {
        this.buffer = buffer;
        this.start = start;
    }

    /**
     * A view of the batch starting at {@code start}. The caller has checked that at least
     * {@link #sizeInBytes()} bytes are present (see {@link RecordBatchIterator}).
     */
    public static RecordBatch at(ByteBuffer buffer, int start) {
        return new RecordBatch(buffer, start);
    }

    public int start() { return start; }
    public ByteBuffer buffer() { return buffer; }

    public long baseOffset() { return buffer.getLong(start + BASE_OFFSET_OFFSET); }
    public int batchLength() { return buffer.getInt(start + LENGTH_OFFSET); }
    public int sizeInBytes() { return LOG_OVERHEAD + batchLength(); }
    public int partitionLeaderEpoch() { return buffer.getInt(start + PARTITION_LEADER_EPOCH_OFFSET); }
    public byte magic() { return buffer.get(start + MAGIC_OFFSET); }
    public long checksum() { return Integer.toUnsignedLong(buffer.getInt(start + CRC_OFFSET)); }
    public short attributes() { return buffer.getShort(start + ATTRIBUTES_OFFSET); }
    public int lastOffsetDelta() { return buffer.getInt(start + LAST_OFFSET_DELTA_OFFSET); }
    public long lastOffset() { return baseOffset() + lastOffsetDelta(); }
    public long nextOffset() { return lastOffset() + 1; }
    public long baseTimestamp() { return buffer.getLong(start + BASE_TIMESTAMP_OFFSET); }
    public long maxTimestamp() { return buffer.getLong(start + MAX_TIMESTAMP_OFFSET); }
    public long producerId() { return buffer.getLong(start + PRODUCER_ID_OFFSET); }
    public short producerEpoch() { return buffer.getShort(start + PRODUCER_EPOCH_OFFSET); }
    public int baseSequence() { return buffer.getInt(start + BASE_SEQUENCE_OFFSET); }
    public int recordCount() { return buffer.getInt(start + RECORD_COUNT_OFFSET); }

    public Compression compression() { return Compression.fromId(attributes() & COMPRESSION_MASK); }
    public boolean isLogAppendTime() { return (attributes() & TIMESTAMP_TYPE_MASK) != 0; }
    public boolean isTransactional() { return (attributes() & TRANSACTIONAL_MASK) != 0; }
    public boolean isControl() { return (attributes() & CONTROL_MASK) != 0; }
    public boolean hasProducerId() { return producerId() >= 0; }

    /** The last sequence number in the batch, wrapping at Integer.MAX_VALUE as Kafka does. */
    public int lastSequence() {
        int base = baseSequence();
        if (base == NO_SEQUENCE) return NO_SEQUENCE;
        long last = (long) base + lastOffsetDelta();
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }

    /** CRC-32C over attributes..end, as stored in the header. */
    public long computeChecksum() {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = buffer.duplicate();
        slice.limit(start + sizeInBytes()).position(start + ATTRIBUTES_OFFSET);
        crc.update(slice);
        return crc.getValue();
    }

    public boolean isChecksumValid() { return computeChecksum() == checksum(); }

    /** Rewrites the base offset in place; the CRC does not cover it, so nothing else changes. */
    public void setBaseOffset(long baseOffset) { buffer.putLong(start + BASE_OFFSET_OFFSET, baseOffset); }

    public void setPartitionLeaderEpoch(int epoch) { buffer.putInt(start + PARTITION_LEADER_EPOCH_OFFSET, epoch); }

    /**
     * Sets the max timestamp and the log-append-time flag (broker-assigned time), recomputing the CRC
     * because both are covered by it.
     */
    public void setLogAppendTime(long timestamp) {
        buffer.putShort(start + ATTRIBUTES_OFFSET, (short) (attributes() | TIMESTAMP_TYPE_MASK));
        buffer.putLong(start + MAX_TIMESTAMP_OFFSET, timestamp);
        buffer.putInt(start + CRC_OFFSET, (int) computeChecksum());
    }

    /** A buffer holding exactly this batch (shares the bytes). */
    public ByteBuffer slice() {
        ByteBuffer d = buffer.duplicate();
        d.limit(start + sizeInBytes()).position(start);
        return d.slice();
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset() + ", size=" + sizeInBytes()
            + ", magic=" + magic() + ", records=" + recordCount() + ", compression=" + compression()
            + ", maxTimestamp=" + maxTimestamp() + ")";
    }
}
