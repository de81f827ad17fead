package io.wharf.log;

import java.util.List;

/**
 * One producer's state as a snapshot keeps it: its epoch, the coordinator epoch of its last transaction
 * marker (-1 before any), the newest timestamp it wrote, the first offset of its open transaction (-1 if
 * none), and the metadata of its last batches, oldest first.
 */
record ProducerState(long producerId, short epoch, int coordinatorEpoch, long lastTimestamp,
                     long openTransactionFirstOffset, List<ProducerStateManager.BatchMetadata> batches) {
    static final long NO_TRANSACTION = -1L;

    ProducerState {
        batches = List.copyOf(batches);
    }
}
