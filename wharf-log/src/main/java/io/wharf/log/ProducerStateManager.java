package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Per-log state of idempotent producers, for exactly-once appends: for each producer id its epoch and
 * the metadata of its last {@value #CACHED_BATCHES} batches (Kafka keeps five, matching the client's
 * {@code max.in.flight.requests.per.connection} limit for idempotence).
 *
 * <p>Rules, as Kafka's broker applies them to a batch from a client:
 * <ul>
 *   <li>an epoch older than the producer's current one is fenced: INVALID_PRODUCER_EPOCH;</li>
 *   <li>a newer epoch must start again at sequence 0;</li>
 *   <li>a batch whose sequence range equals a cached batch's is a retried duplicate: it is not appended,
 *       and the append reports the original offsets;</li>
 *   <li>otherwise its first sequence must follow the last one (wrapping at {@code Integer.MAX_VALUE}):
 *       OUT_OF_ORDER_SEQUENCE_NUMBER;</li>
 *   <li>a producer id with no state (new, or whose state was lost with old segments) is accepted at any
 *       sequence.</li>
 * </ul>
 *
 * <p>Transactions (Kafka's rules): a producer's transactional batch opens a transaction at its base offset
 * unless one is open already; the producer's next COMMIT or ABORT marker (a control batch) closes it. An
 * abort is returned by {@link #update} so that the log records it in the transaction index of the
 * marker's segment, with the last stable offset just after the marker. The oldest open transaction's first
 * batch ({@link #firstUnstableOffset}) bounds what read_committed readers may see. A producer with an open
 * transaction never expires. The coordinator epoch of each producer's last marker is kept (and snapshotted)
 * but not checked: Kafka refuses a marker from an older coordinator epoch (TRANSACTION_COORDINATOR_FENCED),
 * a refusal {@link InvalidBatchException} has no reason for yet.
 *
 * <p>The state is derived from the log: after a restart it is a {@link ProducerSnapshots snapshot} plus a
 * replay of the batches after it ({@link ProducerStateLoader}). Thread-safety: called by the log's single
 * writer, under the log's lock.
 */
public final class ProducerStateManager {
    static final int CACHED_BATCHES = 5;

    /** A batch's sequence range and where it landed. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {
    }

    private static final class ProducerEntry {
        short epoch;
        int coordinatorEpoch = -1;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(CACHED_BATCHES);
        long lastTimestamp;
        long openTransactionFirstOffset = ProducerState.NO_TRANSACTION;
    }

    /** The outcome of checking a batch before it is appended. */
    public sealed interface Check permits Check.Append, Check.Duplicate {
        /** Append it. */
        record Append() implements Check {
        }

        /** Already appended: answer with the original offsets. */
        record Duplicate(BatchMetadata original) implements Check {
        }
    }

    private static final Check APPEND = new Check.Append();

    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Where each open transaction's first batch is, by its offset; the first entry is the oldest. */
    private final TreeMap<Long, LogOffsetMetadata> openTransactions = new TreeMap<>();

    /**
     * Checks a client batch against the producer's state. Throws {@link InvalidBatchException} with
     * {@code INVALID_PRODUCER_EPOCH} or {@code OUT_OF_ORDER_SEQUENCE}. The epoch is checked for every batch
     * carrying a producer id, also those without sequence numbers (the group coordinator's transactional
     * offset commits): a fenced producer's late write must not reopen a transaction after its abort marker.
     */
    public Check check(RecordBatch batch) {
        if (!batch.hasProducerId()) return APPEND;
        ProducerEntry entry = producers.get(batch.producerId());
        if (entry == null) return APPEND;
        short epoch = batch.producerEpoch();
        if (epoch < entry.epoch) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH, "Producer "
                + batch.producerId() + " epoch " + epoch + " is older than its current epoch " + entry.epoch);
        }
        if (batch.baseSequence() == RecordBatch.NO_SEQUENCE) return APPEND;
        int first = batch.baseSequence();
        if (epoch > entry.epoch) {
            if (first != 0) {
                throw new InvalidBatchException(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE, "Producer "
                    + batch.producerId() + " starts epoch " + epoch + " at sequence " + first + ", expected 0");
            }
            return APPEND;
        }
        int last = batch.lastSequence();
        for (BatchMetadata cached : entry.batches) {
            if (cached.firstSeq() == first && cached.lastSeq() == last) return new Check.Duplicate(cached);
        }
        if (!entry.batches.isEmpty()) {
            int expected = nextSequence(entry.batches.peekLast().lastSeq());
            if (first != expected) {
                throw new InvalidBatchException(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE, "Producer "
                    + batch.producerId() + " epoch " + epoch + " sent sequence " + first + ", expected " + expected);
            }
        }
        return APPEND;
    }

    private static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /**
     * Checks a transaction marker the coordinator is about to write: one from an epoch older than the
     * producer's current one comes from a coordinator request that lost a race with a newer producer
     * instance, and is refused with {@code INVALID_PRODUCER_EPOCH}.
     */
    public void checkMarker(long producerId, short epoch) {
        ProducerEntry entry = producers.get(producerId);
        if (entry != null && epoch < entry.epoch) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH, "Transaction marker for"
                + " producer " + producerId + " has epoch " + epoch + ", older than its current epoch " + entry.epoch);
        }
    }

    /**
     * Records an appended batch (offsets assigned) that starts at byte {@code position} of the segment based
     * at {@code segmentBaseOffset}. Returns the transaction an ABORT marker ended, for the transaction index
     * of the marker's segment; null for anything else.
     */
    public AbortedTransaction update(RecordBatch batch, long segmentBaseOffset, int position) {
        if (!batch.hasProducerId()) return null;
        ProducerEntry entry = producers.computeIfAbsent(batch.producerId(), id -> new ProducerEntry());
        if (batch.producerEpoch() != entry.epoch) {
            // A newer epoch (a marker's included) fences the old one: its sequences no longer count.
            entry.epoch = batch.producerEpoch();
            entry.batches.clear();
        }
        entry.lastTimestamp = Math.max(entry.lastTimestamp, batch.maxTimestamp());
        if (batch.isControl()) return endTransaction(entry, batch);
        if (batch.isTransactional() && entry.openTransactionFirstOffset == ProducerState.NO_TRANSACTION) {
            entry.openTransactionFirstOffset = batch.baseOffset();
            openTransactions.put(batch.baseOffset(), new LogOffsetMetadata(batch.baseOffset(), segmentBaseOffset, position));
        }
        if (batch.baseSequence() == RecordBatch.NO_SEQUENCE) return null;
        if (entry.batches.size() == CACHED_BATCHES) entry.batches.removeFirst();
        entry.batches.addLast(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
            batch.lastOffset(), batch.maxTimestamp()));
        return null;
    }

    private AbortedTransaction endTransaction(ProducerEntry entry, RecordBatch controlBatch) {
        TransactionMarker marker = TransactionMarker.of(controlBatch);
        if (marker == null) return null;
        entry.coordinatorEpoch = marker.coordinatorEpoch();
        long firstOffset = entry.openTransactionFirstOffset;
        // A marker for a producer with nothing open is harmless: the coordinator sends markers to every
        // partition of a transaction, and a retried one may arrive twice. It changes no state, as in Kafka.
        if (firstOffset == ProducerState.NO_TRANSACTION) return null;
        entry.openTransactionFirstOffset = ProducerState.NO_TRANSACTION;
        openTransactions.remove(firstOffset);
        if (marker.type() != ControlType.ABORT) return null;
        long markerOffset = controlBatch.baseOffset();
        long lastStable = openTransactions.isEmpty() ? markerOffset + 1 : openTransactions.firstKey();
        return new AbortedTransaction(controlBatch.producerId(), firstOffset, markerOffset, lastStable);
    }

    /**
     * The first batch of the oldest open transaction, or null if none is open. Its position is unknown
     * ({@link LogOffsetMetadata#hasPosition()} false) only for a transaction restored from a snapshot until
     * {@link #resolvePositions} ran.
     */
    public LogOffsetMetadata firstUnstableOffset() {
        return openTransactions.isEmpty() ? null : openTransactions.firstEntry().getValue();
    }

    public int openTransactionCount() { return openTransactions.size(); }

    /** Fills in where the first batch of each transaction restored from a snapshot lies in the log. */
    void resolvePositions(LongFunction<LogOffsetMetadata> locate) {
        openTransactions.replaceAll((offset, metadata) -> metadata.hasPosition() ? metadata : locate.apply(offset));
    }

    /** Forgets everything (the log was truncated or deleted below the state). */
    public void clear() {
        producers.clear();
        openTransactions.clear();
    }

    /** The whole state, for a snapshot. */
    List<ProducerState> snapshot() {
        List<ProducerState> states = new ArrayList<>(producers.size());
        producers.forEach((id, e) -> states.add(new ProducerState(id, e.epoch, e.coordinatorEpoch, e.lastTimestamp,
            e.openTransactionFirstOffset, new ArrayList<>(e.batches))));
        return states;
    }

    /**
     * Replaces the state with a snapshot's. Open transactions come back with their first offset only; see
     * {@link #resolvePositions}.
     */
    void restore(Collection<ProducerState> states) {
        clear();
        for (ProducerState state : states) {
            ProducerEntry entry = new ProducerEntry();
            entry.epoch = state.epoch();
            entry.coordinatorEpoch = state.coordinatorEpoch();
            entry.lastTimestamp = state.lastTimestamp();
            entry.batches.addAll(state.batches());
            entry.openTransactionFirstOffset = state.openTransactionFirstOffset();
            if (state.openTransactionFirstOffset() != ProducerState.NO_TRANSACTION) {
                openTransactions.put(state.openTransactionFirstOffset(),
                    LogOffsetMetadata.offsetOnly(state.openTransactionFirstOffset()));
            }
            producers.put(state.producerId(), entry);
        }
    }

    /**
     * Drops producers whose last write is older than {@code producerIdExpirationMs} (Kafka: 1 day), except
     * those with an open transaction: forgetting one would forget where the transaction starts.
     */
    public void expire(long nowMs, long producerIdExpirationMs) {
        producers.values().removeIf(e -> e.openTransactionFirstOffset == ProducerState.NO_TRANSACTION
            && nowMs - e.lastTimestamp > producerIdExpirationMs);
    }

    public Optional<Short> epochOf(long producerId) {
        ProducerEntry e = producers.get(producerId);
        return e == null ? Optional.empty() : Optional.of(e.epoch);
    }

    public int producerCount() { return producers.size(); }
}
