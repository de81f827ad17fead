package io.wharf.broker.group;

import io.wharf.broker.topic.InternalTopic;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.txn.ControlRecords;
import io.wharf.log.ControlType;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordDecoder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the committed offsets from the partitions of {@value OffsetsTopic#NAME}: replays every record in
 * offset order — a value replaces the key's offset, a tombstone removes it. Records of a transaction are held
 * back per producer until its marker: a commit applies them, an abort drops them, and those of a transaction
 * still open at the end of the partition stay pending. A plain record of the same key replayed in between
 * is later in the log and wins: it drops the held-back one, as {@link OffsetStore} does live. Records it cannot decode are logged and skipped (one
 * bad record must not cost every group its offsets).
 *
 * <p>Not thread-safe: one loader fills the maps before anyone else reads them.
 */
final class OffsetLoader {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetLoader.class);

    private final Map<String, Map<PartitionId, CommittedOffset>> offsets;
    private final Map<Long, Map<String, Map<PartitionId, CommittedOffset>>> pending;
    private long records;

    OffsetLoader(Map<String, Map<PartitionId, CommittedOffset>> offsets,
                 Map<Long, Map<String, Map<PartitionId, CommittedOffset>>> pending) {
        this.offsets = offsets;
        this.pending = pending;
    }

    long records() { return records; }

    long keptOffsets() { return offsets.values().stream().mapToLong(Map::size).sum(); }

    void load(Partition partition) {
        // Transactions of this partition not decided yet: producer id to group to offsets.
        Map<Long, Map<String, Map<PartitionId, CommittedOffset>>> open = new HashMap<>();
        InternalTopic.replay(partition, batch -> {
            if (batch.isControl()) {
                Optional<ControlType> marker = ControlRecords.markerType(batch);
                Map<String, Map<PartitionId, CommittedOffset>> txn = open.remove(batch.producerId());
                if (txn != null && marker.orElse(null) == ControlType.COMMIT) {
                    txn.forEach((group, committed) -> committed.forEach((p, o) -> put(offsets, group, p, o)));
                }
            } else if (batch.isTransactional()) {
                Map<String, Map<PartitionId, CommittedOffset>> txn = open.computeIfAbsent(batch.producerId(),
                    id -> new HashMap<>());
                RecordDecoder.forEach(batch, r -> replayTransactional(partition.id(), r, txn));
            } else {
                RecordDecoder.forEach(batch, r -> replay(partition.id(), r, open));
            }
        });
        open.forEach((producerId, byGroup) -> byGroup.forEach((group, committed) ->
            committed.forEach((p, o) -> pending.computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(p, o))));
    }

    private void replay(PartitionId source, Record record, Map<Long, Map<String, Map<PartitionId, CommittedOffset>>> open) {
        records++;
        OffsetRecords.OffsetKey key = offsetKey(source, record);
        if (key == null) return;
        for (Map<String, Map<PartitionId, CommittedOffset>> txn : open.values()) {
            Map<PartitionId, CommittedOffset> held = txn.get(key.group());
            if (held != null) held.remove(key.partition());
        }
        if (!record.hasValue()) {
            Map<PartitionId, CommittedOffset> group = offsets.get(key.group());
            if (group != null) {
                group.remove(key.partition());
                if (group.isEmpty()) offsets.remove(key.group());
            }
            return;
        }
        CommittedOffset value = decodeValue(source, record);
        if (value != null) put(offsets, key.group(), key.partition(), value);
    }

    private void replayTransactional(PartitionId source, Record record, Map<String, Map<PartitionId, CommittedOffset>> txn) {
        records++;
        OffsetRecords.OffsetKey key = offsetKey(source, record);
        if (key == null || !record.hasValue()) return;
        CommittedOffset value = decodeValue(source, record);
        if (value != null) txn.computeIfAbsent(key.group(), g -> new HashMap<>()).put(key.partition(), value);
    }

    private static void put(Map<String, Map<PartitionId, CommittedOffset>> into, String group, PartitionId p,
                            CommittedOffset o) {
        into.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(p, o);
    }

    private static OffsetRecords.OffsetKey offsetKey(PartitionId source, Record record) {
        if (!record.hasKey()) return null;
        try {
            return OffsetRecords.decodeKey(record.key()) instanceof OffsetRecords.OffsetKey key ? key : null;
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping an undecodable key at {} offset {}: {}", source, record.offset(), e.getMessage());
            return null;
        }
    }

    private static CommittedOffset decodeValue(PartitionId source, Record record) {
        try {
            return OffsetRecords.decodeOffsetValue(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping an undecodable value at {} offset {}: {}", source, record.offset(), e.getMessage());
            return null;
        }
    }
}
