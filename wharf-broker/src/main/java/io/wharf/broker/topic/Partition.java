package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.log.AbortedTransaction;
import io.wharf.log.ActiveProducer;
import io.wharf.log.ControlType;
import io.wharf.log.InvalidBatchException;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.LogAppendInfo;
import io.wharf.log.LogReadInfo;
import io.wharf.log.OffsetOutOfRangeException;
import io.wharf.log.TimestampAndOffset;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition this broker hosts: its log and its replica assignment. While replication is not built, a
 * partition's only in-sync replica is its leader, so an append moves the high watermark to the log end at
 * once (acks=1 and acks=all then mean the same).
 *
 * <p>Readers that wait for data (a long-poll fetch) register a <em>read waiter</em>: it is run after every
 * change that can let a waiting read progress — an append moving the high watermark, DeleteRecords moving
 * the log start offset. A waiter runs on the thread that made the change, after the log's lock is
 * released; it must be quick and must not block (it may read the log).
 *
 * <p>Thread-safety: as {@link Log} — concurrent reads, appends serialised by the log; waiters may be added
 * and removed from any thread.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    /** No leader elections yet: every partition keeps the epoch its first leader got at creation. */
    private static final int INITIAL_LEADER_EPOCH = 0;

    private final PartitionId id;
    private final Log log;
    private final Set<Runnable> readWaiters = ConcurrentHashMap.newKeySet();
    private volatile List<Integer> replicas;

    Partition(PartitionId id, Log log, List<Integer> replicas) {
        this.id = id;
        this.log = log;
        this.replicas = List.copyOf(replicas);
    }

    public PartitionId id() { return id; }
    public Log log() { return log; }
    public List<Integer> replicas() { return replicas; }
    public int leader() { return replicas.get(0); }
    public List<Integer> inSyncReplicas() { return List.of(leader()); }
    public int leaderEpoch() { return INITIAL_LEADER_EPOCH; }
    public long highWatermark() { return log.highWatermark(); }
    /** The last stable offset: the high watermark, or the first offset of the oldest undecided transaction. */
    public long lastStableOffset() { return log.lastStableOffset(); }
    public long logEndOffset() { return log.logEndOffset(); }
    public long logStartOffset() { return log.logStartOffset(); }

    void updateReplicas(List<Integer> newReplicas) { this.replicas = List.copyOf(newReplicas); }

    /** Appends producer batches as the leader, acknowledged by the leader alone (acks=1). */
    public LogAppendInfo appendAsLeader(ByteBuffer records) {
        return appendAsLeader(records, 1, 1);
    }

    /**
     * Appends producer batches as the leader, stamping them with the current leader epoch; translates the
     * log's refusals into broker errors. With {@code requiredAcks} -1 (all) the append is refused with
     * NOT_ENOUGH_REPLICAS, before anything is written, while the in-sync replicas are fewer than
     * {@code minInsyncReplicas}, as Kafka does.
     */
    public LogAppendInfo appendAsLeader(ByteBuffer records, int requiredAcks, int minInsyncReplicas) {
        int isr = inSyncReplicas().size();
        if (requiredAcks == -1 && isr < minInsyncReplicas) {
            throw new BrokerException(BrokerError.NOT_ENOUGH_REPLICAS, "The size of the current ISR "
                + inSyncReplicas() + " is insufficient to satisfy the min.isr requirement of " + minInsyncReplicas
                + " for partition " + id);
        }
        LogAppendInfo info;
        try {
            info = log.append(records, leaderEpoch());
            log.highWatermarkToLogEnd();
        } catch (InvalidBatchException e) {
            throw translate(e);
        }
        wakeReadWaiters();
        return info;
    }

    /**
     * Writes the marker that ends producer {@code producerId}'s transaction in this partition (the
     * transaction coordinator's write); INVALID_PRODUCER_EPOCH if the producer has a newer epoch here.
     * Read_committed readers waiting on the last stable offset are woken.
     */
    public LogAppendInfo appendTransactionMarker(long producerId, short producerEpoch, ControlType type,
                                                 int coordinatorEpoch) {
        LogAppendInfo info;
        try {
            info = log.appendTransactionMarker(producerId, producerEpoch, type, coordinatorEpoch, leaderEpoch());
            log.highWatermarkToLogEnd();
        } catch (InvalidBatchException e) {
            throw translate(e);
        }
        wakeReadWaiters();
        return info;
    }

    /** The producers this partition's log remembers (DescribeProducers). */
    public List<ActiveProducer> activeProducers() {
        return log.activeProducers();
    }

    /** The aborted transactions a read_committed read from {@code fetchOffset} below {@code upperBound} must skip. */
    public List<AbortedTransaction> abortedTransactions(long fetchOffset, long upperBound) {
        return log.abortedTransactions(fetchOffset, upperBound);
    }

    private BrokerException translate(InvalidBatchException e) {
        BrokerError error = switch (e.reason()) {
            case CORRUPT -> BrokerError.CORRUPT_MESSAGE;
            case TOO_LARGE -> BrokerError.MESSAGE_TOO_LARGE;
            case INVALID_RECORD -> BrokerError.INVALID_RECORD;
            case UNSUPPORTED_MAGIC -> BrokerError.UNSUPPORTED_FOR_MESSAGE_FORMAT;
            case INVALID_PRODUCER_EPOCH -> BrokerError.INVALID_PRODUCER_EPOCH;
            case OUT_OF_ORDER_SEQUENCE -> BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_TIMESTAMP -> BrokerError.INVALID_TIMESTAMP;
        };
        return new BrokerException(error, id + ": " + e.getMessage(), e);
    }

    /** Reads up to the bound {@code isolation} names (the high watermark or the last stable offset for consumers). */
    public LogReadInfo read(long offset, int maxBytes, Isolation isolation, boolean minOneBatch) {
        try {
            return log.read(offset, maxBytes, isolation, minOneBatch);
        } catch (OffsetOutOfRangeException e) {
            throw new BrokerException(BrokerError.OFFSET_OUT_OF_RANGE, id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the log start offset up to {@code offset} (Kafka's DeleteRecords; -1 means the high watermark)
     * and returns the new log start offset. Refused with POLICY_VIOLATION when the topic does not use the
     * delete cleanup policy, and OFFSET_OUT_OF_RANGE for an offset above the high watermark.
     */
    public long deleteRecordsBefore(long offset) {
        if (!log.config().delete()) {
            throw new BrokerException(BrokerError.POLICY_VIOLATION, "Records of partition " + id
                + " can not be deleted due to the configured policy (cleanup.policy without delete)");
        }
        long target = offset == -1 ? log.highWatermark() : offset;
        if (target < 0) {
            throw new BrokerException(BrokerError.OFFSET_OUT_OF_RANGE, "The offset " + offset + " for partition " + id
                + " is not valid");
        }
        long start;
        try {
            start = log.deleteRecordsBefore(target);
        } catch (OffsetOutOfRangeException e) {
            throw new BrokerException(BrokerError.OFFSET_OUT_OF_RANGE, id + ": " + e.getMessage(), e);
        }
        wakeReadWaiters();
        return start;
    }

    /**
     * The first record whose timestamp is at least {@code timestamp}, with that record's own timestamp
     * (ListOffsets by time). Empty when no record is that recent.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        return log.offsetForTimestamp(timestamp);
    }

    /** The record with the largest timestamp (the first such record if several share it). */
    public Optional<TimestampAndOffset> maxTimestamp() {
        return log.maxTimestamp();
    }

    /** Registers {@code waiter} to run after every append or log-start change; see the class comment. */
    public void addReadWaiter(Runnable waiter) { readWaiters.add(waiter); }

    public void removeReadWaiter(Runnable waiter) { readWaiters.remove(waiter); }

    private void wakeReadWaiters() {
        for (Runnable waiter : readWaiters) {
            try {
                waiter.run();
            } catch (RuntimeException e) {
                LOG.error("A read waiter on {} failed", id, e);
            }
        }
    }

    @Override
    public String toString() { return "Partition(" + id + ", replicas=" + replicas + ", " + log + ")"; }
}
