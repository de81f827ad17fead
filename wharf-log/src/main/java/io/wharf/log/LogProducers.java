package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.LongFunction;

/**
 * What a {@link Log} knows of its producers: the idempotence and transaction state
 * ({@link ProducerStateManager}), its {@link ProducerSnapshots}, and where the oldest open transaction starts,
 * which bounds the last stable offset. This class is the glue between the log's writes and that state, so
 * that the log itself only says when: after an append, a truncation, a retention pass, at a roll and at close.
 *
 * <p>Thread-safety: every method runs under the log's lock, except {@link #lastStable}, which readers call
 * without it: {@link #firstUnstable} is published (volatile) before the log end offset moves past it.
 */
final class LogProducers {
    private final ProducerStateManager state = new ProducerStateManager();
    private final ProducerSnapshots snapshots;
    /** Where an offset of the log is (a batch boundary): the log's own lookup. */
    private final LongFunction<LogOffsetMetadata> locate;
    /**
     * The first batch of the oldest open transaction (null if none), never below the log start offset. The
     * LSO is min(HW, this), computed by readers, which keeps high watermark updates lock-free. A reader
     * reads the HW first: a transaction that opens meanwhile starts at or above the LEO, so above the HW it
     * read, and cannot be missed.
     */
    private volatile LogOffsetMetadata firstUnstable;

    LogProducers(Path dir, LongFunction<LogOffsetMetadata> locate) {
        this.snapshots = new ProducerSnapshots(dir);
        this.locate = locate;
    }

    /** Rebuilds the state from a snapshot and the batches after it, replaying from {@code replayPoint} at least. */
    void load(NavigableMap<Long, LogSegment> segments, long logEndOffset, long replayPoint, long logStartOffset) {
        ProducerStateLoader.load(state, snapshots, segments, logEndOffset, replayPoint);
        state.resolvePositions(locate);
        refreshFirstUnstable(logStartOffset);
    }

    /** Republishes where the oldest open transaction starts, clamped to the log start (retention took it). */
    void refreshFirstUnstable(long logStartOffset) {
        LogOffsetMetadata first = state.firstUnstableOffset();
        if (first != null && first.offset() < logStartOffset) first = locate.apply(logStartOffset);
        firstUnstable = first;
    }

    /** The last stable offset given the high watermark {@code hw}, which the caller read first. */
    LogOffsetMetadata lastStable(LogOffsetMetadata hw) {
        LogOffsetMetadata first = firstUnstable;
        return first != null && first.offset() < hw.offset() ? first : hw;
    }

    /**
     * Applies the idempotent-producer rules to a client's batches: the original append's info for a retried
     * duplicate, null to go on; throws for a fenced epoch or a sequence gap. A request from an idempotent
     * producer must hold one batch, as in Kafka.
     */
    LogAppendInfo duplicateOf(ByteBuffer records, BatchValidator.Summary summary, long logStartOffset) {
        RecordBatch first = RecordBatch.at(records, records.position());
        if (!first.hasProducerId()) return null;
        if (summary.batches() != 1) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Idempotent producer "
                + first.producerId() + " sent " + summary.batches() + " batches for one partition; exactly one is allowed");
        }
        if (state.check(first) instanceof ProducerStateManager.Check.Duplicate dup) {
            ProducerStateManager.BatchMetadata original = dup.original();
            return new LogAppendInfo(original.firstOffset(), original.lastOffset(), original.maxTimestamp(),
                original.lastOffset(), RecordBatch.NO_TIMESTAMP, logStartOffset, 0, 0);
        }
        return null;
    }

    /** Refuses a transaction marker from an epoch older than its producer's (INVALID_PRODUCER_EPOCH). */
    void checkMarker(ByteBuffer marker) {
        RecordBatch batch = RecordBatch.at(marker, marker.position());
        state.checkMarker(batch.producerId(), batch.producerEpoch());
    }

    /**
     * Feeds batches just written at byte {@code position} of {@code segment} to the state, indexes the
     * transactions they abort, and republishes the first unstable offset if any batch was transactional.
     * Must run before the log end offset moves: a reader must not see the batches without their transaction.
     * Plain batches cost a few header reads.
     */
    void appended(ByteBuffer records, LogSegment segment, int position, long logStartOffset) {
        boolean transactional = false;
        int start = records.position();
        for (RecordBatch batch : RecordBatchIterator.batches(records)) {
            AbortedTransaction aborted = state.update(batch, segment.baseOffset(), position + batch.start() - start);
            if (aborted != null) segment.txnIndex().append(aborted);
            transactional |= batch.isTransactional() || batch.isControl();
        }
        if (transactional) refreshFirstUnstable(logStartOffset);
    }

    /** Writes a snapshot at {@code offset} (the log end offset) and keeps the ones recovery may need. */
    void snapshot(long offset, long recoveryPoint) {
        snapshots.write(offset, state.snapshot());
        snapshots.retain(recoveryPoint);
    }

    /** Retention moved the log start to {@code logStartOffset}: older snapshots go, the LSO may move. */
    void logStartMoved(long logStartOffset, boolean segmentsDeleted) {
        if (segmentsDeleted) snapshots.deleteBelow(logStartOffset);
        refreshFirstUnstable(logStartOffset);
    }

    /** Before a truncation to {@code offset}: a crash must not leave a snapshot of what is cut. */
    void truncating(long offset) {
        snapshots.deleteAbove(offset);
    }

    /** The log was emptied: no state, no snapshots. */
    void clear() {
        snapshots.deleteAll();
        state.clear();
        firstUnstable = null;
    }

    /** Every producer remembered, for DescribeProducers. */
    List<ActiveProducer> active() {
        List<ProducerState> states = state.snapshot();
        List<ActiveProducer> active = new ArrayList<>(states.size());
        for (ProducerState p : states) {
            int lastSequence = p.batches().isEmpty() ? -1 : p.batches().get(p.batches().size() - 1).lastSeq();
            active.add(new ActiveProducer(p.producerId(), p.epoch(), lastSequence, p.lastTimestamp(), p.coordinatorEpoch(),
                p.openTransactionFirstOffset()));
        }
        return active;
    }

    /**
     * Forgets producers silent for {@code producerIdExpirationMs} (Kafka's {@code producer.id.expiration.ms})
     * that have no open transaction; returns how many are left.
     */
    int expire(long nowMs, long producerIdExpirationMs) {
        state.expire(nowMs, producerIdExpirationMs);
        return state.producerCount();
    }
}
