package io.wharf.log;

/**
 * A transaction that was aborted in this log: its producer, the offset of its first record, the offset of
 * its abort marker, and the log's last stable offset just after the marker was written. A read_committed
 * reader drops the producer's records from {@code firstOffset} up to the marker. Stored in the
 * {@code .txnindex} of the segment holding the marker.
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
