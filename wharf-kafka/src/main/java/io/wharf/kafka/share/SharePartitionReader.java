package io.wharf.kafka.share;

import io.wharf.broker.queue.DeliveredRange;
import io.wharf.broker.share.SharePartition;
import io.wharf.broker.share.SharePartitions;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.group.GroupConfigs;
import io.wharf.kafka.network.LogSliceRecords;
import io.wharf.log.AbortedTransaction;
import io.wharf.log.Isolation;
import io.wharf.log.LogReadInfo;
import io.wharf.log.WholeBatches;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Reads share partitions for a member and applies its acknowledgements. A read acquires the available
 * records of the whole batches it returns (up to the high watermark, or the last stable offset for a group
 * reading committed records) and
 * sends those batches straight from the segment file; the client keeps the acquired records and skips the
 * rest. Control records and offsets compacted away are acquired too: the client acknowledges them as gaps.
 */
final class SharePartitionReader {
    private static final int ABORTED_READS = 8;
    private final PartitionLeaders leaders;
    private final SharePartitions partitions;
    private final GroupConfigs groupConfigs;

    /** One partition's acquisition: the batches to send and the offsets acquired in them. */
    record Acquired(LogSliceRecords records, List<ShareFetchResponseData.AcquiredRecords> ranges, int count) {
        static final Acquired NONE = new Acquired(null, List.of(), 0);
    }

    SharePartitionReader(PartitionLeaders leaders, SharePartitions partitions, GroupConfigs groupConfigs) {
        this.leaders = leaders;
        this.partitions = partitions;
        this.groupConfigs = groupConfigs;
    }

    /** The partition's log; throws (mapped to a Kafka error by the caller) if this broker does not lead it. */
    Partition log(String topic, int partition) {
        return leaders.leader(new PartitionId(topic, partition));
    }

    /** The group's state of a partition, created at the group's {@code share.auto.offset.reset} if it has none. */
    SharePartition state(String groupId, String topic, Partition log) {
        return partitions.open(new SharePartitions.Key(groupId, topic, log.id().partition()),
            () -> groupConfigs.of(groupId).shareStartsAtEarliest() ? log.logStartOffset() : log.highWatermark(),
            log.logStartOffset());
    }

    /**
     * Acquires up to {@code maxRecords} records, in at most {@code maxBytes} of whole batches, for {@code owner}.
     * A group with {@code share.isolation.level=read_committed} reads up to the last stable offset, and the
     * records of aborted transactions are archived as they are read, never delivered; a read that held
     * nothing else is followed by the next one, up to {@value #ABORTED_READS} of them.
     */
    Acquired acquire(String groupId, long owner, String topic, Partition log, int maxBytes, int maxRecords,
                     boolean minOneBatch) {
        SharePartition state = state(groupId, topic, log);
        boolean committed = groupConfigs.of(groupId).shareReadsCommitted();
        for (int attempt = 0; attempt < ABORTED_READS; attempt++) {
            long readableEnd = committed ? log.lastStableOffset() : log.highWatermark();
            long from = state.nextToRead(log.logStartOffset(), readableEnd);
            if (from < 0) return Acquired.NONE;
            LogReadInfo info = log.read(from, Math.max(0, maxBytes),
                committed ? Isolation.LAST_STABLE : Isolation.HIGH_WATERMARK, minOneBatch);
            WholeBatches batches = WholeBatches.of(info.records());
            if (batches.slice().isEmpty()) return Acquired.NONE;
            long end = Math.min(batches.endOffset(), committed ? readableEnd : info.highWatermark());
            int archived = committed ? archiveAborted(state, log, batches, end) : 0;
            List<DeliveredRange> ranges = state.acquire(owner, batches.firstOffset(), end, maxRecords,
                System.currentTimeMillis());
            if (!ranges.isEmpty()) return acquired(batches, ranges);
            if (archived == 0) return Acquired.NONE;
        }
        return Acquired.NONE;
    }

    /** Archives the data records of aborted transactions among {@code batches} below {@code end}; returns how many. */
    private static int archiveAborted(SharePartition state, Partition log, WholeBatches batches, long end) {
        List<AbortedTransaction> aborted = log.abortedTransactions(batches.firstOffset(), end);
        if (aborted.isEmpty()) return 0;
        int archived = 0;
        for (WholeBatches.BatchHeader h : batches.headers()) {
            if (!h.transactional() || h.control() || h.baseOffset() >= end) continue;
            for (AbortedTransaction t : aborted) {
                if (t.producerId() == h.producerId() && t.firstOffset() <= h.baseOffset() && h.baseOffset() < t.lastOffset()) {
                    archived += state.archive(h.baseOffset(), Math.min(h.lastOffset(), end - 1));
                    break;
                }
            }
        }
        return archived;
    }

    private static Acquired acquired(WholeBatches batches, List<DeliveredRange> ranges) {
        List<ShareFetchResponseData.AcquiredRecords> acquired = new ArrayList<>(ranges.size());
        int count = 0;
        for (DeliveredRange r : ranges) {
            acquired.add(new ShareFetchResponseData.AcquiredRecords().setFirstOffset(r.firstOffset())
                .setLastOffset(r.lastOffset()).setDeliveryCount((short) Math.min(Short.MAX_VALUE, r.deliveryCount())));
            count += (int) (r.lastOffset() - r.firstOffset() + 1);
        }
        return new Acquired(new LogSliceRecords(batches.slice()), acquired, count);
    }

    /** One acknowledgement batch of a request: offsets {@code [first, last]} and their types (one, or one each). */
    record AckBatch(long firstOffset, long lastOffset, List<Byte> types) {
    }

    /**
     * Applies a member's acknowledgements of one partition; all or nothing. INVALID_RECORD_STATE if some offset
     * is not acquired by the member (its lock expired, it was never delivered to it); INVALID_REQUEST for a
     * malformed batch.
     */
    Errors acknowledge(String groupId, long owner, String topic, int partition, List<AckBatch> batches) {
        Partition log = log(topic, partition);
        SharePartition state = partitions.existing(new SharePartitions.Key(groupId, topic, partition), log.logStartOffset());
        if (state == null) return Errors.INVALID_RECORD_STATE;
        long now = System.currentTimeMillis();
        for (AckBatch batch : batches) {
            List<SharePartition.Acknowledgement> types = new ArrayList<>(batch.types().size());
            for (byte type : batch.types()) {
                SharePartition.Acknowledgement t = acknowledgement(type);
                if (t == null) return Errors.INVALID_REQUEST;
                types.add(t);
            }
            if (types.isEmpty()) return Errors.INVALID_REQUEST;
            if (!state.acknowledge(owner, batch.firstOffset(), batch.lastOffset(), types, now)) {
                return Errors.INVALID_RECORD_STATE;
            }
        }
        return Errors.NONE;
    }

    /** Releases what {@code owner} holds in a partition (its share session closed). */
    void releaseAll(String groupId, long owner, String topic, int partition) {
        Partition log = log(topic, partition);
        SharePartition state = partitions.existing(new SharePartitions.Key(groupId, topic, partition), log.logStartOffset());
        if (state != null) state.releaseAll(owner);
    }

    /** Kafka's acknowledge types: 0 gap (no record there: settled like an accept), 1 accept, 2 release, 3 reject, 4 renew. */
    private static SharePartition.Acknowledgement acknowledgement(byte type) {
        return switch (type) {
            case 0, 1 -> SharePartition.Acknowledgement.ACCEPT;
            case 2 -> SharePartition.Acknowledgement.RELEASE;
            case 3 -> SharePartition.Acknowledgement.REJECT;
            case 4 -> SharePartition.Acknowledgement.RENEW;
            default -> null;
        };
    }
}
