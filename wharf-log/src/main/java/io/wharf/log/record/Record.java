package io.wharf.log.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record decoded from a v2 batch. Inside the batch a record is
 * <pre>
 * length          varint   bytes that follow
 * attributes      int8     unused, 0
 * timestampDelta  varlong  from the batch's baseTimestamp
 * offsetDelta     varint   from the batch's baseOffset
 * keyLength       varint   -1 for no key
 * key             bytes
 * valueLength     varint   -1 for a null value (a tombstone)
 * value           bytes
 * headerCount     varint
 * headers         per header: keyLength varint, UTF-8 key, valueLength varint (-1 = null), value
 * </pre>
 * and this class holds the absolute offset and timestamp computed from the batch.
 *
 * <p>Immutable: {@link #key()} and {@link #value()} return a new read-only view on each call, so callers
 * may move its position freely. Those views share bytes with what was decoded; for an uncompressed batch
 * that is the batch's own buffer, so a caller that recycles that buffer must copy what it keeps.
 */
public final class Record {
    private final long offset;
    private final int offsetDelta;
    private final long timestamp;
    private final ByteBuffer key;
    private final ByteBuffer value;
    private final List<Header> headers;

    /** {@code key} and {@code value} must already be read-only views that nobody else moves. */
    Record(long offset, int offsetDelta, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
        this.offset = offset;
        this.offsetDelta = offsetDelta;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    public long offset() { return offset; }
    public int offsetDelta() { return offsetDelta; }
    public long timestamp() { return timestamp; }

    public boolean hasKey() { return key != null; }
    public boolean hasValue() { return value != null; }

    /** The key, or null if the record has none. */
    public ByteBuffer key() { return key == null ? null : key.duplicate(); }

    /** The value, or null for a tombstone. */
    public ByteBuffer value() { return value == null ? null : value.duplicate(); }

    /** Key length in bytes, -1 if there is no key. */
    public int keySize() { return key == null ? -1 : key.remaining(); }

    /** Value length in bytes, -1 for a tombstone. */
    public int valueSize() { return value == null ? -1 : value.remaining(); }

    /** The headers in written order; unmodifiable. */
    public List<Header> headers() { return headers; }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp + ", key=" + keySize() + " bytes, value="
            + (value == null ? "null" : valueSize() + " bytes") + ", headers=" + headers.size() + ")";
    }
}
