package io.wharf.log;

/**
 * An offset and the byte position in a segment's {@code .log} file of the batch holding it. From
 * {@link LogSegment#translateOffset} the offset is the batch's base offset; from an {@link OffsetIndex}
 * entry it is the batch's last offset (Kafka's layout), or its base offset in an index of an older Wharf.
 */
public record OffsetPosition(long offset, int position) {
}
