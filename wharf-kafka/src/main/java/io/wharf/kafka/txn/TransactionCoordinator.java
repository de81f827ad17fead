package io.wharf.kafka.txn;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.topic.InternalTopic;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.broker.txn.TransactionLog;
import io.wharf.broker.txn.TransactionMetadata;
import io.wharf.broker.txn.TransactionState;
import io.wharf.log.ControlType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's transaction coordinator, transaction protocols 1 and 2: gives each transactional id a producer
 * id and an epoch that fences older instances of the producer, records which partitions each transaction
 * writes to, and ends transactions by writing COMMIT or ABORT markers to those partitions. Every transition is
 * written to {@code __transaction_state} ({@link TransactionLog}) before it takes effect, so a restarted
 * broker finishes what was decided (a transaction in PrepareCommit is committed) and aborts what times out.
 *
 * <p>Unlike Kafka's coordinator, which answers EndTxn once the decision is logged and sends the markers
 * afterwards, this one writes the markers (all local) before answering; a producer therefore rarely sees
 * CONCURRENT_TRANSACTIONS. Markers that cannot be written (a partition's log failed) leave the transaction in
 * PrepareCommit/PrepareAbort and are retried by {@link #abortTimedOutTransactions}.
 *
 * <p>Transaction protocol 2 (KIP-890 part 2, advertised as the {@code transaction.version} feature at 2):
 * partitions join the transaction implicitly with the producer's first write to them ({@link #verifyOrAdd}),
 * and every EndTxn v5 bumps the producer epoch: the markers carry the new epoch, so a late write of the
 * finished transaction (at the old epoch) is fenced instead of opening a hanging transaction, and the
 * producer carries on with the new epoch (or, once the epoch is exhausted, a new producer id at epoch 0).
 * Clients of protocol 1 (EndTxn v4 and older) keep their epoch across transactions, as before.
 *
 * <p>Thread-safety: each transactional id's transitions are serialised on its {@link Entry}; different ids
 * proceed in parallel. {@link #verify} reads without locking (the Produce path).
 */
final class TransactionCoordinator implements TransactionVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    private final TransactionLog log;
    private final ProducerIdManager producerIds;
    private final TransactionMarkers markers;
    private final TransactionConfig config;
    private final LongSupplier clock;
    private final Map<String, Entry> transactions = new ConcurrentHashMap<>();

    /** A transactional id's current metadata (null until its first InitProducerId); the id's lock. */
    private static final class Entry {
        volatile TransactionMetadata metadata;
        /** Set once expired and removed from the map: a caller still holding it must look again. */
        boolean removed;
        /**
         * The producer id and epoch of the last EndTxn v5 that completed, and whether it committed: a retry of
         * it (its answer was lost) is answered with the producer id and epoch it moved to. In memory only.
         */
        long endedProducerId = -1;
        short endedEpoch = TransactionMetadata.NO_EPOCH;
        boolean endedWithCommit;

        Entry(TransactionMetadata metadata) { this.metadata = metadata; }
    }

    /** EndTxn v5's answer: the producer id and epoch to carry on with. */
    record EndResult(Errors error, long producerId, short producerEpoch) {
        static EndResult failed(Errors error) { return new EndResult(error, -1, TransactionMetadata.NO_EPOCH); }
    }

    /** InitProducerId's answer. */
    record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) { return new InitResult(error, -1, (short) -1); }
    }

    TransactionCoordinator(TransactionLog log, ProducerIdManager producerIds, TransactionMarkers markers,
                           TransactionConfig config, LongSupplier clock) {
        this.log = log;
        this.producerIds = producerIds;
        this.markers = markers;
        this.config = config;
        this.clock = clock;
    }

    /** Creates and loads {@code __transaction_state} unless started; then finishes the decided transactions. */
    InternalTopic.Starting start() {
        return log.topic().start(new InternalTopic.Loader() {
            @Override
            public void load(InternalTopic topic) {
                long begin = System.nanoTime();
                Map<String, TransactionMetadata> loaded = new HashMap<>();
                topic.forEachLocalPartition(partition -> TransactionLog.read(partition, loaded));
                loaded.forEach((id, m) -> transactions.put(id, new Entry(m)));
                int finished = 0;
                for (Entry entry : transactions.values()) {
                    synchronized (entry) {
                        if (entry.metadata.state().isPreparing()) {
                            completeMarkers(entry);
                            finished++;
                        }
                    }
                }
                LOG.info("Loaded {} transactional id(s) from {} in {} ms; finished {} decided transaction(s)",
                    loaded.size(), topic.name(), (System.nanoTime() - begin) / 1_000_000, finished);
            }

            @Override
            public void reset() {
                transactions.clear();
            }
        });
    }

    /**
     * NONE when transactions can be served; otherwise COORDINATOR_LOAD_IN_PROGRESS while the state loads,
     * COORDINATOR_NOT_AVAILABLE before the topic exists (asking starts it).
     */
    Errors availability() {
        InternalTopic.State state = log.topic().state();
        if (state == InternalTopic.State.ACTIVE) return Errors.NONE;
        if (state == InternalTopic.State.NOT_STARTED) start();
        return state == InternalTopic.State.LOADING ? Errors.COORDINATOR_LOAD_IN_PROGRESS
            : Errors.COORDINATOR_NOT_AVAILABLE;
    }

    /**
     * InitProducerId for a transactional producer: a new producer id at epoch 0 for a new transactional id,
     * otherwise the next epoch of its producer id, which fences the previous instance. An ongoing
     * transaction of that previous instance is aborted first. With an expected producer id and epoch (KIP-360,
     * a producer recovering from an epoch error) the bump happens only if they are the current ones.
     */
    InitResult initProducerId(String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch) {
        if (transactionalId.isEmpty()) return InitResult.failed(Errors.INVALID_REQUEST);
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        Errors unavailable = availability();
        if (unavailable != Errors.NONE) return InitResult.failed(unavailable);
        while (true) {
            Entry entry = transactions.computeIfAbsent(transactionalId, id -> new Entry(null));
            synchronized (entry) {
                if (entry.removed) continue;
                try {
                    return initProducerId(entry, transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
                } catch (RuntimeException e) {
                    return InitResult.failed(writeError(transactionalId, e));
                }
            }
        }
    }

    private InitResult initProducerId(Entry entry, String transactionalId, int timeoutMs, long expectedProducerId,
                                      short expectedEpoch) {
        long now = clock.getAsLong();
        TransactionMetadata current = entry.metadata;
        if (current == null) {
            long producerId = producerIds.nextProducerId();
            TransactionMetadata fresh = TransactionMetadata.fresh(transactionalId, producerId, timeoutMs, now);
            return bump(entry, fresh, timeoutMs, now);
        }
        if (expectedProducerId >= 0) {
            boolean isCurrent = current.producerId() == expectedProducerId && current.producerEpoch() == expectedEpoch;
            boolean isRetry = current.producerId() == expectedProducerId && current.lastProducerEpoch() == expectedEpoch
                && current.state() == TransactionState.EMPTY;
            if (isRetry) return new InitResult(Errors.NONE, current.producerId(), current.producerEpoch());
            if (!isCurrent) return InitResult.failed(Errors.PRODUCER_FENCED);
        }
        if (current.state() == TransactionState.ONGOING) {
            LOG.info("Transactional id {} re-initialised with a transaction ongoing: fencing epoch {} and aborting it",
                transactionalId, current.producerEpoch());
            fenceAndAbort(entry, now);
            current = entry.metadata;
        }
        if (current.state().isPreparing()) {
            completeMarkers(entry);
            current = entry.metadata;
        }
        if (!current.state().isIdle()) return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
        return bump(entry, current, timeoutMs, now);
    }

    /** Starts the next producer session of {@code current}: its epoch plus one, or a new producer id. */
    private InitResult bump(Entry entry, TransactionMetadata current, int timeoutMs, long now) {
        long producerId = current.producerId();
        short epoch = (short) (current.producerEpoch() + 1);
        if (current.epochExhausted()) {
            producerId = producerIds.nextProducerId();
            epoch = 0;
        }
        TransactionMetadata next = current.withNewEpoch(producerId, epoch, timeoutMs, now);
        log.write(next);
        entry.metadata = next;
        return new InitResult(Errors.NONE, producerId, epoch);
    }

    /** AddPartitionsToTxn (and AddOffsetsToTxn with the group's offsets partition): NONE or why not. */
    Errors addPartitions(String transactionalId, long producerId, short producerEpoch, Collection<PartitionId> partitions) {
        return withCurrentProducer(transactionalId, producerId, producerEpoch, (entry, current) -> {
            if (current.state().isPreparing()) return Errors.CONCURRENT_TRANSACTIONS;
            if (current.state() == TransactionState.ONGOING && current.partitions().containsAll(partitions)) {
                return Errors.NONE;
            }
            return record(entry, current.withPartitions(partitions, clock.getAsLong()));
        });
    }

    /** EndTxn: commits or aborts the ongoing transaction; a retry of a finished EndTxn gets NONE again. */
    Errors endTransaction(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        return withCurrentProducer(transactionalId, producerId, producerEpoch, (entry, current) -> switch (current.state()) {
            case ONGOING -> {
                Errors error = record(entry, current.withState(commit ? TransactionState.PREPARE_COMMIT
                    : TransactionState.PREPARE_ABORT, clock.getAsLong()));
                if (error == Errors.NONE) completeMarkers(entry);
                yield error;
            }
            case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
            case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
            case PREPARE_COMMIT -> commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
            case PREPARE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
            default -> Errors.INVALID_TXN_STATE;
        });
    }

    /**
     * EndTxn v5 (transaction protocol 2): commits or aborts the ongoing transaction with the epoch bumped, and
     * answers with the producer id and epoch the producer goes on with. An abort with no transaction ongoing
     * bumps the epoch too (a write of the producer may have been in flight). A retry of the last EndTxn gets
     * its answer again.
     */
    EndResult endTransactionBumpingEpoch(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        Errors unavailable = availability();
        if (unavailable != Errors.NONE) return EndResult.failed(unavailable);
        Entry entry = transactions.get(transactionalId);
        if (entry == null) return EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        synchronized (entry) {
            TransactionMetadata ended = entry.metadata;
            boolean nothingSince = ended.state() == TransactionState.COMPLETE_COMMIT
                || ended.state() == TransactionState.COMPLETE_ABORT;
            if (!entry.removed && nothingSince && entry.endedProducerId == producerId && entry.endedEpoch == producerEpoch) {
                TransactionMetadata current = ended;
                return entry.endedWithCommit == commit ? new EndResult(Errors.NONE, current.producerId(), current.producerEpoch())
                    : EndResult.failed(Errors.INVALID_TXN_STATE);
            }
            Errors invalid = checkProducer(entry, producerId, producerEpoch);
            if (invalid != null) return EndResult.failed(invalid);
            TransactionMetadata current = entry.metadata;
            long now = clock.getAsLong();
            try {
                switch (current.state()) {
                    case ONGOING -> {
                        Errors error = record(entry, current.bumpedForEnd(commit ? TransactionState.PREPARE_COMMIT
                            : TransactionState.PREPARE_ABORT, now));
                        if (error != Errors.NONE) return EndResult.failed(error);
                        if (!completeMarkers(entry)) return EndResult.failed(Errors.CONCURRENT_TRANSACTIONS);
                    }
                    case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                        if (commit) return EndResult.failed(Errors.INVALID_TXN_STATE);
                        Errors error = record(entry, current.bumpedForEnd(TransactionState.COMPLETE_ABORT, now));
                        if (error != Errors.NONE) return EndResult.failed(error);
                    }
                    default -> {
                        return EndResult.failed(Errors.CONCURRENT_TRANSACTIONS);
                    }
                }
                if (entry.metadata.epochExhausted()) {
                    TransactionMetadata finished = entry.metadata;
                    Errors error = record(entry, finished.withNewEpoch(producerIds.nextProducerId(), (short) 0,
                        finished.timeoutMs(), now).withState(finished.state(), now));
                    if (error != Errors.NONE) return EndResult.failed(error);
                }
            } catch (RuntimeException e) {
                return EndResult.failed(writeError(transactionalId, e));
            }
            entry.endedProducerId = producerId;
            entry.endedEpoch = producerEpoch;
            entry.endedWithCommit = commit;
            return new EndResult(Errors.NONE, entry.metadata.producerId(), entry.metadata.producerEpoch());
        }
    }

    @Override
    public Errors verifyOrAdd(String transactionalId, long producerId, short producerEpoch, PartitionId partition) {
        Errors verified = verify(transactionalId, producerId, producerEpoch, partition);
        if (verified != Errors.INVALID_TXN_STATE) return verified;
        Errors error = withCurrentProducer(transactionalId, producerId, producerEpoch, (entry, current) -> {
            if (current.state().isPreparing()) return Errors.CONCURRENT_TRANSACTIONS;
            if (current.state() == TransactionState.ONGOING && current.partitions().contains(partition)) return Errors.NONE;
            return record(entry, current.withPartitions(List.of(partition), clock.getAsLong()));
        });
        return error == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    /** A change of one transactional id's state, run under its lock. */
    private interface Transition {
        Errors apply(Entry entry, TransactionMetadata current);
    }

    /**
     * Runs {@code transition} under the id's lock once the state is loaded and {@code producerId} and
     * {@code producerEpoch} are the id's current ones; otherwise answers why not.
     */
    private Errors withCurrentProducer(String transactionalId, long producerId, short producerEpoch, Transition transition) {
        Errors unavailable = availability();
        if (unavailable != Errors.NONE) return unavailable;
        Entry entry = transactions.get(transactionalId);
        if (entry == null) return Errors.INVALID_PRODUCER_ID_MAPPING;
        synchronized (entry) {
            Errors invalid = checkProducer(entry, producerId, producerEpoch);
            return invalid != null ? invalid : transition.apply(entry, entry.metadata);
        }
    }

    /** Logs {@code next} and makes it the id's state; the error to answer if it cannot be logged. Under the lock. */
    private Errors record(Entry entry, TransactionMetadata next) {
        try {
            log.write(next);
        } catch (RuntimeException e) {
            return writeError(next.transactionalId(), e);
        }
        entry.metadata = next;
        return Errors.NONE;
    }

    /** Null when {@code producerId} and {@code producerEpoch} are the id's current ones, else the error. */
    private static Errors checkProducer(Entry entry, long producerId, short producerEpoch) {
        TransactionMetadata current = entry.metadata;
        if (entry.removed || current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        return current.producerEpoch() != producerEpoch ? Errors.PRODUCER_FENCED : null;
    }

    /**
     * Whether producer {@code producerId} at {@code producerEpoch} may write transactional data to
     * {@code partition} now: its transaction is ongoing and includes the partition.
     */
    @Override
    public Errors verify(String transactionalId, long producerId, short producerEpoch, PartitionId partition) {
        if (transactionalId == null) return Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        if (!log.topic().isActive()) return availability(); // not loaded yet: the caller retries
        Entry entry = transactions.get(transactionalId);
        TransactionMetadata current = entry == null ? null : entry.metadata;
        if (current == null || current.producerId() != producerId) return Errors.INVALID_PRODUCER_ID_MAPPING;
        if (current.producerEpoch() != producerEpoch) return Errors.INVALID_PRODUCER_EPOCH;
        if (current.state() != TransactionState.ONGOING || !current.partitions().contains(partition)) {
            return Errors.INVALID_TXN_STATE;
        }
        return Errors.NONE;
    }

    /**
     * Bumps the epoch (fencing the producer) and aborts the ongoing transaction with the new epoch. Under the
     * lock. If the abort cannot be logged the transaction stays Ongoing at its old epoch, so the next timeout
     * pass or InitProducerId tries again (Kafka's PrepareEpochFence is likewise only a pending transition,
     * never a state Wharf holds).
     */
    private void fenceAndAbort(Entry entry, long now) {
        TransactionMetadata aborting = entry.metadata.fencedForAbort(now);
        log.write(aborting);
        entry.metadata = aborting;
        completeMarkers(entry);
    }

    /** Writes the decided transaction's markers, then records it complete. Under the lock; false to retry. */
    private boolean completeMarkers(Entry entry) {
        TransactionMetadata preparing = entry.metadata;
        boolean commit = preparing.state() == TransactionState.PREPARE_COMMIT;
        if (!markers.write(preparing.producerId(), preparing.producerEpoch(),
            commit ? ControlType.COMMIT : ControlType.ABORT, preparing.partitions())) {
            return false;
        }
        TransactionMetadata complete = preparing.withState(commit ? TransactionState.COMPLETE_COMMIT
            : TransactionState.COMPLETE_ABORT, clock.getAsLong());
        try {
            log.write(complete);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the end of {}'s transaction; will retry: {}", preparing.transactionalId(),
                e.toString());
            return false;
        }
        entry.metadata = complete;
        return true;
    }

    /**
     * Aborts every transaction older than its timeout, fencing its producer (which then learns it was fenced
     * on its next request), and retries the markers of decided transactions. Run periodically.
     */
    void abortTimedOutTransactions() {
        if (!log.topic().isActive()) return;
        long now = clock.getAsLong();
        for (Entry entry : transactions.values()) {
            synchronized (entry) {
                TransactionMetadata current = entry.metadata;
                if (current == null || entry.removed) continue;
                try {
                    if (current.hasTimedOut(now)) {
                        LOG.info("Aborting the transaction of {} (producer {} epoch {}): older than its timeout of {} ms",
                            current.transactionalId(), current.producerId(), current.producerEpoch(), current.timeoutMs());
                        fenceAndAbort(entry, now);
                    } else if (current.state().isPreparing()) {
                        completeMarkers(entry);
                    }
                } catch (RuntimeException e) {
                    // One id's failure must not end the pass for the others.
                    LOG.warn("Could not abort the transaction of {}; will retry: {}", current.transactionalId(),
                        e.toString());
                }
            }
        }
    }

    /** Forgets transactional ids idle for {@code transactional.id.expiration.ms} (a tombstone each). Run periodically. */
    void removeExpiredTransactionalIds() {
        if (!log.topic().isActive()) return;
        long now = clock.getAsLong();
        for (Map.Entry<String, Entry> e : transactions.entrySet()) {
            Entry entry = e.getValue();
            synchronized (entry) {
                TransactionMetadata current = entry.metadata;
                if (current == null || !current.state().isIdle()
                    || now - current.lastUpdateTimestamp() < config.transactionalIdExpirationMs()) {
                    continue;
                }
                try {
                    log.remove(e.getKey());
                } catch (RuntimeException ex) {
                    LOG.warn("Could not expire transactional id {}: {}", e.getKey(), ex.getMessage());
                    continue;
                }
                entry.removed = true;
                transactions.remove(e.getKey(), entry);
                LOG.info("Transactional id {} expired after {} ms without use", e.getKey(), now - current.lastUpdateTimestamp());
            }
        }
    }

    /** The current metadata of {@code transactionalId}, if known (DescribeTransactions). */
    Optional<TransactionMetadata> describe(String transactionalId) {
        Entry entry = transactions.get(transactionalId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.metadata);
    }

    /** Every known transactional id's metadata (ListTransactions). */
    List<TransactionMetadata> all() {
        List<TransactionMetadata> result = new ArrayList<>();
        for (Entry entry : transactions.values()) {
            TransactionMetadata m = entry.metadata;
            if (m != null) result.add(m);
        }
        return result;
    }

    /** What a producer is told when the coordinator cannot write its state. */
    private static Errors writeError(String transactionalId, RuntimeException e) {
        LOG.warn("Could not write the state of transactional id {}: {}", transactionalId, e.toString());
        boolean moved = e instanceof BrokerException b && b.error() == BrokerError.NOT_LEADER_OR_FOLLOWER;
        return moved ? Errors.NOT_COORDINATOR : Errors.COORDINATOR_NOT_AVAILABLE;
    }
}
