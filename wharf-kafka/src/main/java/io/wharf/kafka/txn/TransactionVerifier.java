package io.wharf.kafka.txn;

import io.wharf.broker.topic.PartitionId;
import org.apache.kafka.common.protocol.Errors;

/**
 * Checks that a transactional write belongs to an ongoing transaction that includes its partition (KIP-890's
 * verification, done locally since this broker is every partition's leader and the coordinator): a
 * transactional Produce batch, or a TxnOffsetCommit to a group's offsets partition.
 */
public interface TransactionVerifier {
    /**
     * NONE if producer {@code producerId} at {@code producerEpoch}, holding {@code transactionalId}, has an
     * ongoing transaction that includes {@code partition}; otherwise INVALID_PRODUCER_ID_MAPPING,
     * INVALID_PRODUCER_EPOCH (fenced), INVALID_TXN_STATE (not in the transaction: callers answer newer request
     * versions TRANSACTION_ABORTABLE, see {@link #notInTransaction}), TRANSACTIONAL_ID_AUTHORIZATION_FAILED
     * (transactional records without a transactional id), or COORDINATOR_LOAD_IN_PROGRESS /
     * COORDINATOR_NOT_AVAILABLE while the coordinator's state is not loaded.
     */
    Errors verify(String transactionalId, long producerId, short producerEpoch, PartitionId partition);

    /**
     * Transaction protocol 2 (KIP-890 part 2, Produce v12+ and TxnOffsetCommit v5+): as {@link #verify}, but
     * a partition the transaction does not include yet is added to it (starting the transaction if none is
     * ongoing) instead of refused: the producer no longer sends AddPartitionsToTxn or AddOffsetsToTxn. Also
     * CONCURRENT_TRANSACTIONS while the previous transaction's markers are still being written.
     */
    Errors verifyOrAdd(String transactionalId, long producerId, short producerEpoch, PartitionId partition);

    /**
     * What a write outside its transaction is told: INVALID_TXN_STATE (fatal for the producer) for request
     * versions before {@code firstAbortableVersion}, TRANSACTION_ABORTABLE (KIP-890: the producer aborts and
     * carries on) from it — Produce v11 and TxnOffsetCommit v4, as Kafka answers.
     */
    static Errors notInTransaction(Errors error, short version, short firstAbortableVersion) {
        return error == Errors.INVALID_TXN_STATE && version >= firstAbortableVersion ? Errors.TRANSACTION_ABORTABLE : error;
    }
}
