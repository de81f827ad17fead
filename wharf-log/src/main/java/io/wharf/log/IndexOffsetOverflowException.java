package io.wharf.log;

/** An offset too far from a segment's base offset to be stored as a 32-bit relative offset. */
public final class IndexOffsetOverflowException extends RuntimeException {
    public IndexOffsetOverflowException(String message) {
        super(message);
    }
}
