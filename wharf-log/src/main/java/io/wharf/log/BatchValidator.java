package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.nio.ByteBuffer;

/**
 * Checks batches before they reach the disk: whole batches only, magic 2, CRC-32C, sane offsets and
 * counts, and the size limit. These are header checks; the records are not decoded here. Whatever passes
 * is stored byte for byte (compressed batches included), so a consumer later reads exactly what the
 * producer sent, unless the log's {@code compression.type} asks for another codec ({@link Recompressor}).
 * Timestamp bounds are {@link TimestampValidator}'s.
 */
final class BatchValidator {
    private BatchValidator() {
    }

    /** Validates {@code records} (position to limit) and returns a summary; throws on the first bad batch. */
    static Summary validate(ByteBuffer records, int maxBatchBytes) {
        RecordBatchIterator it = new RecordBatchIterator(records);
        int batches = 0;
        int recordCount = 0;
        long shallowCount = 0;
        boolean control = false;
        while (it.hasNext()) {
            RecordBatch batch = it.next();
            if (batch.magic() != RecordBatch.MAGIC) {
                throw new InvalidBatchException(InvalidBatchException.Reason.UNSUPPORTED_MAGIC,
                    "Record batch magic " + batch.magic() + " is not supported; only magic 2 is stored");
            }
            if (batch.sizeInBytes() > maxBatchBytes) {
                throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE, "Record batch of "
                    + batch.sizeInBytes() + " bytes is larger than the limit of " + maxBatchBytes
                    + " bytes (max.message.bytes)");
            }
            if (!batch.isChecksumValid()) {
                throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Record batch CRC mismatch: stored "
                    + batch.checksum() + ", computed " + batch.computeChecksum());
            }
            if (batch.lastOffsetDelta() < 0 || batch.recordCount() < 0
                || (!batch.isControl() && batch.recordCount() == 0)
                || (long) batch.recordCount() > (long) batch.lastOffsetDelta() + 1) {
                throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Record batch has "
                    + batch.recordCount() + " records but lastOffsetDelta " + batch.lastOffsetDelta());
            }
            batches++;
            recordCount += batch.recordCount();
            shallowCount += batch.lastOffsetDelta() + 1L;
            control |= batch.isControl();
        }
        if (it.validBytes() != records.remaining()) {
            int total = records.remaining();
            if (total - it.validBytes() >= RecordBatch.LOG_OVERHEAD) {
                int length = records.getInt(records.position() + it.validBytes() + RecordBatch.LENGTH_OFFSET);
                if (length > maxBatchBytes) {
                    throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE, "Record batch of "
                        + ((long) length + RecordBatch.LOG_OVERHEAD) + " bytes is larger than the limit of "
                        + maxBatchBytes + " bytes (max.message.bytes)");
                }
            }
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Records end with "
                + (total - it.validBytes()) + " bytes that are not a whole record batch");
        }
        if (batches == 0) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "No record batch in the request");
        }
        return new Summary(batches, recordCount, shallowCount, control);
    }

    /**
     * Counts of what was validated. {@code offsetCount} is how many offsets the batches take;
     * {@code hasControlBatch} whether any is a control batch (a transaction marker).
     */
    record Summary(int batches, int records, long offsetCount, boolean hasControlBatch) {
    }
}
