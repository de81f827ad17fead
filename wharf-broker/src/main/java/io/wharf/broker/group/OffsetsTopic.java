package io.wharf.broker.group;

import io.wharf.broker.topic.InternalTopic;
import io.wharf.log.LogConfig;
import java.util.Map;

/**
 * The internal compacted topic {@value #NAME} that holds committed offsets, named and laid out as Kafka's,
 * so that a group always maps to the same partition: {@code abs(groupId.hashCode()) % partitionCount}, with
 * Kafka's {@code abs} (which maps {@code Integer.MIN_VALUE} to 0).
 */
public final class OffsetsTopic {
    public static final String NAME = "__consumer_offsets";
    /** Kafka's {@code offsets.topic.segment.bytes}: offsets topics roll at 100 MiB. */
    public static final int SEGMENT_BYTES = 100 * 1024 * 1024;

    private OffsetsTopic() {
    }

    /** The partition of {@value #NAME} that holds {@code groupId}'s offsets. */
    public static int partitionFor(String groupId, int partitionCount) {
        return InternalTopic.partitionFor(groupId, partitionCount);
    }

    /** The topic configuration the broker creates it with: compacted, as Kafka does. */
    public static Map<String, String> configs() {
        return Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES));
    }
}
