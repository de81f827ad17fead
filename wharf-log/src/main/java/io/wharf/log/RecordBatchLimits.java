package io.wharf.log;

import io.wharf.log.record.RecordBatch;

/** Size limits that follow from the on-disk format. */
final class RecordBatchLimits {
    /** Kafka's smallest allowed {@code segment.bytes}: room for one record's worth of log overhead. */
    static final int MIN_SEGMENT_BYTES = 14;
    /** The smallest valid value of a batch's length field. */
    static final int MIN_BATCH_LENGTH = RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD;

    private RecordBatchLimits() {
    }
}
