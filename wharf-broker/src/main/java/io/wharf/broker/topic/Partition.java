package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.log.InvalidBatchException;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.LogAppendInfo;
import io.wharf.log.LogReadInfo;
import io.wharf.log.OffsetOutOfRangeException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A partition this broker hosts: its log and its replica assignment. While replication is not built, a
 * partition's only in-sync replica is its leader, so an append moves the high watermark to the log end at
 * once (acks=1 and acks=all then mean the same).
 *
 * <p>Thread-safety: as {@link Log} — concurrent reads, appends serialised by the log.
 */
public final class Partition {
    private final PartitionId id;
    private final Log log;
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
    public long highWatermark() { return log.highWatermark(); }
    public long logEndOffset() { return log.logEndOffset(); }
    public long logStartOffset() { return log.logStartOffset(); }

    void updateReplicas(List<Integer> newReplicas) { this.replicas = List.copyOf(newReplicas); }

    /** Appends producer batches as the leader; translates the log's refusals into broker errors. */
    public LogAppendInfo appendAsLeader(ByteBuffer records) {
        try {
            LogAppendInfo info = log.append(records);
            log.highWatermarkToLogEnd();
            return info;
        } catch (InvalidBatchException e) {
            BrokerError error = switch (e.reason()) {
                case CORRUPT -> BrokerError.CORRUPT_MESSAGE;
                case TOO_LARGE -> BrokerError.MESSAGE_TOO_LARGE;
                case INVALID_RECORD -> BrokerError.INVALID_RECORD;
                case UNSUPPORTED_MAGIC -> BrokerError.UNSUPPORTED_FOR_MESSAGE_FORMAT;
            };
            throw new BrokerException(error, id + ": " + e.getMessage(), e);
        }
    }

    /** Reads for a consumer: bounded by the high watermark. */
    public LogReadInfo read(long offset, int maxBytes, Isolation isolation, boolean minOneBatch) {
        try {
            return log.read(offset, maxBytes, isolation, minOneBatch);
        } catch (OffsetOutOfRangeException e) {
            throw new BrokerException(BrokerError.OFFSET_OUT_OF_RANGE, id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() { return "Partition(" + id + ", replicas=" + replicas + ", " + log + ")"; }
}
