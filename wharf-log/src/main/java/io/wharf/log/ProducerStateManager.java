package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

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
 * <p>The state is derived from the log: {@link #rebuild} replays the batches carrying producer ids after a
 * restart. Thread-safety: called by the log's single writer, under the log's lock.
 */
public final class ProducerStateManager {
    static final int CACHED_BATCHES = 5;

    /** A batch's sequence range and where it landed. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {
    }

    private static final class ProducerEntry {
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(CACHED_BATCHES);
        long lastTimestamp;
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

    /**
     * Checks a client batch against the producer's state. Throws {@link InvalidBatchException} with
     * {@code INVALID_PRODUCER_EPOCH} or {@code OUT_OF_ORDER_SEQUENCE}.
     */
    public Check check(RecordBatch batch) {
        if (!batch.hasProducerId() || batch.baseSequence() == RecordBatch.NO_SEQUENCE) return APPEND;
        ProducerEntry entry = producers.get(batch.producerId());
        if (entry == null) return APPEND;
        short epoch = batch.producerEpoch();
        if (epoch < entry.epoch) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH, "Producer "
                + batch.producerId() + " epoch " + epoch + " is older than its current epoch " + entry.epoch);
        }
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

    /** Records an appended batch (offsets assigned). */
    public void update(RecordBatch batch) {
        if (!batch.hasProducerId()) return;
        ProducerEntry entry = producers.computeIfAbsent(batch.producerId(), id -> new ProducerEntry());
        if (batch.producerEpoch() != entry.epoch) {
            entry.epoch = batch.producerEpoch();
            entry.batches.clear();
        }
        entry.lastTimestamp = Math.max(entry.lastTimestamp, batch.maxTimestamp());
        if (batch.baseSequence() == RecordBatch.NO_SEQUENCE || batch.isControl()) return;
        if (entry.batches.size() == CACHED_BATCHES) entry.batches.removeFirst();
        entry.batches.addLast(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
            batch.lastOffset(), batch.maxTimestamp()));
    }

    /** Forgets everything (the log was truncated or deleted below the state). */
    public void clear() { producers.clear(); }

    /** Replays a log's batches (offset order) to rebuild the state after a restart. */
    public void rebuild(Iterator<RecordBatch> batches) {
        clear();
        while (batches.hasNext()) update(batches.next());
    }

    /** Drops producers whose last write is older than {@code producerIdExpirationMs} (Kafka: 1 day). */
    public void expire(long nowMs, long producerIdExpirationMs) {
        producers.values().removeIf(e -> nowMs - e.lastTimestamp > producerIdExpirationMs);
    }

    public Optional<Short> epochOf(long producerId) {
        ProducerEntry e = producers.get(producerId);
        return e == null ? Optional.empty() : Optional.of(e.epoch);
    }

    public int producerCount() { return producers.size(); }
}
