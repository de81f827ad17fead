package io.wharf.broker.txn;

import io.wharf.broker.topic.PartitionId;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the transaction coordinator knows of one transactional id: its producer id and epoch (the epoch
 * fences older instances of the producer), the transaction timeout, the current transaction's state, the
 * partitions it wrote to, and when it started and last changed. Immutable: each transition is a new value,
 * written to {@code __transaction_state} before it takes effect.
 *
 * <p>{@code lastProducerEpoch} is the epoch before the latest bump (-1 if none), kept in memory only so that a
 * producer retrying InitProducerId with its previous epoch (KIP-360) gets the same answer again.
 */
public record TransactionMetadata(String transactionalId, long producerId, short producerEpoch,
                                  short lastProducerEpoch, int timeoutMs, TransactionState state,
                                  Set<PartitionId> partitions, long startTimestamp, long lastUpdateTimestamp) {
    public static final short NO_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1;

    public TransactionMetadata {
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(state, "state");
        partitions = Collections.unmodifiableSet(new TreeSet<>(partitions));
    }

    /** A new transactional id's metadata before its first epoch (epoch -1, so the first bump gives 0). */
    public static TransactionMetadata fresh(String transactionalId, long producerId, int timeoutMs, long now) {
        return new TransactionMetadata(transactionalId, producerId, NO_EPOCH, NO_EPOCH, timeoutMs,
            TransactionState.EMPTY, Set.of(), NO_TIMESTAMP, now);
    }

    /** Begins a new producer session: the next epoch (or a new producer id once the epoch is exhausted). */
    public TransactionMetadata withNewEpoch(long newProducerId, short newEpoch, int newTimeoutMs, long now) {
        return new TransactionMetadata(transactionalId, newProducerId, newEpoch, producerEpoch, newTimeoutMs,
            TransactionState.EMPTY, Set.of(), NO_TIMESTAMP, now);
    }

    /** Adds {@code added} to the transaction, starting it if none is ongoing. */
    public TransactionMetadata withPartitions(Collection<PartitionId> added, long now) {
        Set<PartitionId> all = new TreeSet<>(state == TransactionState.ONGOING ? partitions : Set.of());
        all.addAll(added);
        long start = state == TransactionState.ONGOING ? startTimestamp : now;
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs,
            TransactionState.ONGOING, all, start, now);
    }

    /** Moves to {@code next}, keeping the partitions (they are cleared when the transaction completes). */
    public TransactionMetadata withState(TransactionState next, long now) {
        Set<PartitionId> kept = next == TransactionState.COMPLETE_COMMIT || next == TransactionState.COMPLETE_ABORT
            ? Set.of() : partitions;
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs,
            next, kept, startTimestamp, now);
    }

    /**
     * Fences the current producer and decides to abort its ongoing transaction: the epoch goes up by one
     * (the abort markers carry it) and the state becomes PrepareAbort, with the partitions kept.
     */
    public TransactionMetadata fencedForAbort(long now) {
        return new TransactionMetadata(transactionalId, producerId, (short) (producerEpoch + 1), producerEpoch,
            timeoutMs, TransactionState.PREPARE_ABORT, partitions, startTimestamp, now);
    }

    /**
     * Transaction protocol 2: ends the transaction with the epoch bumped, moving to {@code next} (PrepareCommit,
     * PrepareAbort, or CompleteAbort for an abort with nothing ongoing); the markers carry the new epoch.
     */
    public TransactionMetadata bumpedForEnd(TransactionState next, long now) {
        TransactionMetadata bumped = new TransactionMetadata(transactionalId, producerId, (short) (producerEpoch + 1),
            producerEpoch, timeoutMs, state, partitions, startTimestamp, now);
        return bumped.withState(next, now);
    }

    /** Whether the epoch cannot be bumped any more, so the next session needs a new producer id. */
    public boolean epochExhausted() { return producerEpoch >= Short.MAX_VALUE - 1; }

    /** Whether the ongoing transaction has outlived its timeout at {@code now}. */
    public boolean hasTimedOut(long now) {
        return state == TransactionState.ONGOING && startTimestamp + timeoutMs < now;
    }
}
