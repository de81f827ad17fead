package io.wharf.log;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Finding records by time in one segment: the time index narrows the start, batch headers (their max
 * timestamps) skip whole batches, and only the one batch that holds the answer is decoded, so the answer
 * is exact to the record. Lock-free, like every read of a segment.
 */
final class SegmentTimeLookup {
    private SegmentTimeLookup() {
    }

    /**
     * The first record whose timestamp is at least {@code timestamp} and whose offset is at least
     * {@code startingOffset}, with that record's own timestamp, if this segment has one.
     */
    static Optional<TimestampAndOffset> findOffsetByTimestamp(LogSegment segment, long timestamp, long startingOffset) {
        if (segment.maxTimestampSoFar() < timestamp) return Optional.empty();
        long from = Math.max(segment.timeIndex().lookup(timestamp), startingOffset);
        OffsetPosition start = segment.translateOffset(from, segment.size());
        if (start == null) return Optional.empty();
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        int position = start.position();
        int end = segment.size();
        while (position + RecordBatch.HEADER_SIZE <= end) {
            header.clear();
            if (!segment.readAt(header, position)) break;
            RecordBatch head = RecordBatch.at(header, 0);
            if (head.maxTimestamp() >= timestamp && head.lastOffset() >= startingOffset) {
                Optional<TimestampAndOffset> found = firstRecordAtOrAfter(readBatch(segment, position, head.sizeInBytes()),
                    timestamp, startingOffset);
                if (found.isPresent()) return found;
            }
            position += head.sizeInBytes();
        }
        return Optional.empty();
    }

    /**
     * The first record of the batch holding {@code offsetInBatch} whose timestamp is exactly
     * {@code timestamp} (ListOffsets MAX_TIMESTAMP answers with that record, not the batch's end).
     */
    static Optional<TimestampAndOffset> firstRecordWithTimestamp(LogSegment segment, long offsetInBatch, long timestamp) {
        OffsetPosition start = segment.translateOffset(offsetInBatch, segment.size());
        if (start == null) return Optional.empty();
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.LOG_OVERHEAD);
        if (!segment.readAt(header, start.position())) return Optional.empty();
        RecordBatch batch = readBatch(segment, start.position(), RecordBatch.LOG_OVERHEAD + header.getInt(RecordBatch.LENGTH_OFFSET));
        if (batch.isLogAppendTime() || batch.isControl()) return Optional.of(new TimestampAndOffset(timestamp, batch.baseOffset()));
        for (Record record : RecordDecoder.decode(batch)) {
            if (record.timestamp() == timestamp) return Optional.of(new TimestampAndOffset(timestamp, record.offset()));
        }
        return Optional.empty();
    }

    private static Optional<TimestampAndOffset> firstRecordAtOrAfter(RecordBatch batch, long timestamp, long startingOffset) {
        if (batch.isLogAppendTime() || batch.isControl()) {
            // Every record of a log-append-time batch carries the batch's timestamp.
            return Optional.of(new TimestampAndOffset(batch.maxTimestamp(), Math.max(batch.baseOffset(), startingOffset)));
        }
        for (Record record : RecordDecoder.decode(batch)) {
            if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset()));
            }
        }
        return Optional.empty();
    }

    private static RecordBatch readBatch(LogSegment segment, int position, int batchSize) {
        ByteBuffer whole = ByteBuffer.allocate(batchSize);
        segment.readAt(whole, position);
        return RecordBatch.at(whole, 0);
    }
}
