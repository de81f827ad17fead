package io.wharf.broker.group;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.Isolation;
import io.wharf.log.LogReadInfo;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the committed offsets from the partitions of {@value OffsetsTopic#NAME}: reads each local
 * partition from its log start to its log end, whole batches at a time, and replays every record in offset
 * order — a value replaces the key's offset, a tombstone removes it. Records it cannot decode are logged and
 * skipped (one bad record must not cost every group its offsets); control batches carry no offsets.
 *
 * <p>Not thread-safe: one loader fills one map before anyone else reads it.
 */
final class OffsetLoader {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetLoader.class);
    /** Kafka's {@code offsets.load.buffer.size}. */
    private static final int LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

    /** How much a load read and kept. */
    record Result(long records, long offsets) {
    }

    private final Map<String, Map<PartitionId, CommittedOffset>> offsets;
    private long records;

    OffsetLoader(Map<String, Map<PartitionId, CommittedOffset>> offsets) {
        this.offsets = offsets;
    }

    Result loadAll(TopicManager topics, int partitionCount) {
        for (int p = 0; p < partitionCount; p++) {
            PartitionId id = new PartitionId(OffsetsTopic.NAME, p);
            Partition partition = topics.partition(id).orElse(null);
            if (partition == null) continue; // hosted by another broker
            load(partition);
        }
        long kept = offsets.values().stream().mapToLong(Map::size).sum();
        return new Result(records, kept);
    }

    private void load(Partition partition) {
        long offset = partition.logStartOffset();
        long end = partition.logEndOffset();
        while (offset < end) {
            LogReadInfo read = partition.read(offset, LOAD_BUFFER_BYTES, Isolation.LOG_END, true);
            if (read.records().isEmpty()) break;
            ByteBuffer buffer;
            try {
                buffer = read.records().readFully();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + partition.id() + " at offset " + offset, e);
            }
            long next = offset;
            RecordBatchIterator batches = new RecordBatchIterator(buffer);
            while (batches.hasNext()) {
                RecordBatch batch = batches.next();
                if (!batch.isControl()) RecordDecoder.forEach(batch, r -> replay(partition.id(), r));
                next = batch.nextOffset();
            }
            if (next <= offset) {
                LOG.warn("Loading {} made no progress at offset {} (log end {}); stopping there", partition.id(), offset, end);
                break;
            }
            offset = next;
        }
    }

    private void replay(PartitionId source, Record record) {
        records++;
        if (!record.hasKey()) return;
        try {
            if (!(OffsetRecords.decodeKey(record.key()) instanceof OffsetRecords.OffsetKey key)) return;
            if (!record.hasValue()) {
                Map<PartitionId, CommittedOffset> group = offsets.get(key.group());
                if (group != null) {
                    group.remove(key.partition());
                    if (group.isEmpty()) offsets.remove(key.group());
                }
            } else {
                CommittedOffset value = OffsetRecords.decodeOffsetValue(record.value());
                offsets.computeIfAbsent(key.group(), g -> new ConcurrentHashMap<>()).put(key.partition(), value);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping an undecodable record at {} offset {}: {}", source, record.offset(), e.getMessage());
        }
    }
}
