package io.wharf.log.record;

/**
 * A record batch whose records section cannot be decoded: the header's record count disagrees with the
 * records found, a varint overflows, a length is negative or runs past the batch, bytes are left over, or
 * the compressed stream is bad. The message names the batch's base offset and the reason.
 */
public final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long baseOffset;

    public CorruptRecordException(long baseOffset, String reason) {
        this(baseOffset, reason, null);
    }

    public CorruptRecordException(long baseOffset, String reason, Throwable cause) {
        super("Corrupt record batch at base offset " + baseOffset + ": " + reason, cause);
        this.baseOffset = baseOffset;
    }

    /** The base offset of the batch that failed to decode. */
    public long baseOffset() { return baseOffset; }
}
