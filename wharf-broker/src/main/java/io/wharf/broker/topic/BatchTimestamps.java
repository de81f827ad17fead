package io.wharf.broker.topic;

import io.wharf.log.FileSlice;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.OffsetOutOfRangeException;
import io.wharf.log.TimestampAndOffset;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Record-exact answers for ListOffsets, as Kafka gives them: the log's time lookups stop at batch
 * granularity (the timestamp asked for, the last offset of the batch holding the largest timestamp), so the
 * one batch concerned is read back and decoded to find the record itself. With the log-append-time flag
 * every record of a batch carries the batch's max timestamp, and the first record is the answer.
 */
final class BatchTimestamps {
    private BatchTimestamps() {
    }

    /** The timestamp of the record at {@code offset}. */
    static Optional<TimestampAndOffset> recordAt(Log log, long offset) {
        return batchHolding(log, offset).flatMap(batch -> {
            if (batch.isLogAppendTime()) return Optional.of(new TimestampAndOffset(batch.maxTimestamp(), offset));
            for (Record record : RecordDecoder.decode(batch)) {
                if (record.offset() == offset) return Optional.of(new TimestampAndOffset(record.timestamp(), offset));
            }
            return Optional.empty();
        });
    }

    /** The first record carrying {@code timestamp} in the batch that holds {@code offsetInBatch}. */
    static Optional<TimestampAndOffset> firstWithTimestamp(Log log, long offsetInBatch, long timestamp) {
        return batchHolding(log, offsetInBatch).flatMap(batch -> {
            if (batch.isLogAppendTime()) return Optional.of(new TimestampAndOffset(timestamp, batch.baseOffset()));
            for (Record record : RecordDecoder.decode(batch)) {
                if (record.timestamp() == timestamp) {
                    return Optional.of(new TimestampAndOffset(timestamp, record.offset()));
                }
            }
            return Optional.empty();
        });
    }

    private static Optional<RecordBatch> batchHolding(Log log, long offset) {
        try {
            // One byte with minOneBatch: exactly the (whole) batch that holds the offset.
            FileSlice slice = log.read(offset, 1, Isolation.LOG_END, true).records();
            if (slice.size() < RecordBatch.HEADER_SIZE) return Optional.empty();
            ByteBuffer bytes = slice.readFully();
            RecordBatch batch = RecordBatch.at(bytes, 0);
            if (batch.sizeInBytes() > bytes.limit() || offset < batch.baseOffset() || offset > batch.lastOffset()) {
                return Optional.empty();
            }
            return Optional.of(batch);
        } catch (OffsetOutOfRangeException e) {
            return Optional.empty(); // deleted meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the batch holding offset " + offset + " of " + log.dir(), e);
        }
    }
}
