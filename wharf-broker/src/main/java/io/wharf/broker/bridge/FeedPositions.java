package io.wharf.broker.bridge;

import io.wharf.broker.store.KeyedLog;
import io.wharf.broker.topic.PartitionId;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where each {@link TopicFeed} has got to in each partition: the next offset to hand on, kept in a compacted
 * internal log (one record per feed and partition, key {@code feed|topic|partition}, value the offset as 8
 * bytes) so that a restart — a {@code kill -9} too — resumes where the feed was, and records appended before
 * the crash but not yet handed on are handed on after it.
 *
 * <p>Confined to the feeds' thread.
 */
final class FeedPositions {
    private final KeyedLog log;
    private final Map<String, Long> positions = new HashMap<>();

    FeedPositions(KeyedLog log) {
        this.log = log;
        log.replay((key, record) -> {
            ByteBuffer value = record.value();
            if (value == null || value.remaining() != Long.BYTES) positions.remove(key);
            else positions.put(key, value.getLong(value.position()));
        });
    }

    OptionalLong get(String feed, PartitionId partition) {
        Long p = positions.get(key(feed, partition));
        return p == null ? OptionalLong.empty() : OptionalLong.of(p);
    }

    /** Stores {@code next} for the feed's partition (in the page cache at once; on disk by the log's flush). */
    void put(String feed, PartitionId partition, long next) {
        String key = key(feed, partition);
        Long old = positions.put(key, next);
        if (old != null && old == next) return;
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = ByteBuffer.allocate(Long.BYTES).putLong(0, next).array();
        log.append(RecordBatchBuilder.newBatch(Compression.NONE, 96 + k.length).append(System.currentTimeMillis(), k, v).build());
    }

    private static String key(String feed, PartitionId partition) {
        return feed + '|' + partition.topic() + '|' + partition.partition();
    }
}
