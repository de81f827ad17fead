package io.wharf.log;

/**
 * An offset together with where it lives: the base offset of its segment and the byte position of its
 * batch there. Knowing the position lets a read stop at the high watermark without an index lookup.
 */
public record LogOffsetMetadata(long offset, long segmentBaseOffset, int position) {
    static final long UNKNOWN_SEGMENT = -1L;

    public static LogOffsetMetadata offsetOnly(long offset) {
        return new LogOffsetMetadata(offset, UNKNOWN_SEGMENT, -1);
    }

    public boolean hasPosition() { return segmentBaseOffset != UNKNOWN_SEGMENT; }
}
