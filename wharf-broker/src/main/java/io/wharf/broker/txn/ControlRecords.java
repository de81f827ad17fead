package io.wharf.broker.txn;

import io.wharf.log.ControlType;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Reads the transaction marker a control batch carries. Its one record's key is Kafka's control record
 * key: int16 version (0), int16 type (0 abort, 1 commit). Other control types (leader change, snapshot
 * headers) are not transaction markers.
 */
public final class ControlRecords {
    private ControlRecords() {
    }

    /** The marker type of {@code batch}, empty if it is not a control batch or not a transaction marker. */
    public static Optional<ControlType> markerType(RecordBatch batch) {
        if (!batch.isControl()) return Optional.empty();
        List<Record> records = RecordDecoder.decode(batch);
        if (records.isEmpty() || !records.get(0).hasKey()) return Optional.empty();
        ByteBuffer key = records.get(0).key();
        if (key.remaining() < 4) return Optional.empty();
        short type = key.getShort(key.position() + 2);
        for (ControlType t : ControlType.values()) {
            if (t.id() == type) return Optional.of(t);
        }
        return Optional.empty();
    }
}
