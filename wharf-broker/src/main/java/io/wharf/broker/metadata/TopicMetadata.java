package io.wharf.broker.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A topic as stored in ZooKeeper: its name, its Kafka topic id (22 characters of URL-safe base64, see
 * {@link TopicIds}), its replica assignment (partition to replica broker ids, the first replica being the
 * preferred leader) and its config overrides. The maps are sorted (partitions numerically, configs by key)
 * and unmodifiable. Immutable.
 */
public record TopicMetadata(String name, String topicId, Map<Integer, List<Integer>> replicaAssignment,
                            Map<String, String> configs) {

    public TopicMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        replicaAssignment = sortedAssignment(replicaAssignment);
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
    }

    public int partitionCount() {
        return replicaAssignment.size();
    }

    static SortedMap<Integer, List<Integer>> sortedAssignment(Map<Integer, List<Integer>> assignment) {
        TreeMap<Integer, List<Integer>> sorted = new TreeMap<>();
        assignment.forEach((partition, replicas) -> sorted.put(partition, List.copyOf(replicas)));
        return Collections.unmodifiableSortedMap(sorted);
    }
}
