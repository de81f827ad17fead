package io.wharf.log;

/** An offset and the byte position in a segment's {@code .log} file of the batch that starts there. */
public record OffsetPosition(long offset, int position) {
}
