package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells which data batches belong to aborted transactions, from the transaction index entries that cover
 * them. A producer has one transaction open at a time, ended by its marker, so a transactional batch of
 * producer P at offset o is aborted exactly when some aborted transaction of P has firstOffset <= o <=
 * lastOffset (the marker). Control batches are never "aborted data".
 */
final class AbortedBatches {
    private final Map<Long, List<AbortedTransaction>> byProducer = new HashMap<>();

    AbortedBatches(List<AbortedTransaction> aborted) {
        for (AbortedTransaction txn : aborted) {
            byProducer.computeIfAbsent(txn.producerId(), id -> new ArrayList<>()).add(txn);
        }
    }

    boolean isEmpty() { return byProducer.isEmpty(); }

    boolean contains(RecordBatch batch) {
        if (!batch.isTransactional() || batch.isControl()) return false;
        List<AbortedTransaction> txns = byProducer.get(batch.producerId());
        if (txns == null) return false;
        long offset = batch.baseOffset();
        for (AbortedTransaction txn : txns) {
            if (txn.firstOffset() <= offset && offset <= txn.lastOffset()) return true;
        }
        return false;
    }
}
