package io.wharf.log;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Kafka's end-transaction marker: a control batch (attributes transactional + control, base sequence -1)
 * holding one control record whose
 * <pre>
 * key   = int16 version (0), int16 type (0 ABORT, 1 COMMIT; other types are not transaction markers)
 * value = int16 version (0), int32 coordinatorEpoch
 * </pre>
 * as {@code org.apache.kafka.common.record.internal.EndTransactionMarker} writes it, so that clients and Kafka's tools
 * read Wharf's markers as their own.
 */
record TransactionMarker(ControlType type, int coordinatorEpoch) {
    private static final short VERSION = 0;
    private static final int KEY_SIZE = 4;
    private static final int VALUE_SIZE = 6;

    /** The control batch of this marker for {@code producerId} at {@code producerEpoch}, offset 0. */
    ByteBuffer toBatch(long producerId, short producerEpoch, long timestamp) {
        ByteBuffer key = ByteBuffer.allocate(KEY_SIZE).putShort(VERSION).putShort(type.id()).flip();
        ByteBuffer value = ByteBuffer.allocate(VALUE_SIZE).putShort(VERSION).putInt(coordinatorEpoch).flip();
        return RecordBatchBuilder.newBatch(Compression.NONE, RecordBatch.HEADER_SIZE + 32)
            .producer(producerId, producerEpoch, RecordBatch.NO_SEQUENCE)
            .transactional(true)
            .control(true)
            .appendWithOffset(0, timestamp, key, value, List.of())
            .build();
    }

    /**
     * The marker a control batch holds, or null if it holds another kind of control record (Kafka also
     * writes leader-change and snapshot records as control batches) or none.
     */
    static TransactionMarker of(RecordBatch controlBatch) {
        List<Record> records = RecordDecoder.decode(controlBatch);
        if (records.isEmpty()) return null;
        Record record = records.get(0);
        ByteBuffer key = record.key();
        if (key == null || key.remaining() < KEY_SIZE) return null;
        ControlType type = switch (key.getShort(key.position() + 2)) {
            case 0 -> ControlType.ABORT;
            case 1 -> ControlType.COMMIT;
            default -> null;
        };
        if (type == null) return null;
        ByteBuffer value = record.value();
        int coordinatorEpoch = value != null && value.remaining() >= VALUE_SIZE ? value.getInt(value.position() + 2) : -1;
        return new TransactionMarker(type, coordinatorEpoch);
    }
}
