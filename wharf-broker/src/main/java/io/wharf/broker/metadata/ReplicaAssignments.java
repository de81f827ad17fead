package io.wharf.broker.metadata;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules a replica assignment (partition to replica broker ids) must follow before it is written to
 * {@code /brokers/topics/<t>}, as Kafka enforces them: partitions numbered 0 to n-1, each with at least one
 * replica, no broker twice in one partition, no negative broker id; and, when partitions are added, every
 * existing partition keeps its replicas. Violations throw {@link IllegalArgumentException} naming the topic
 * and partition. Thread-safe (stateless).
 */
final class ReplicaAssignments {

    private ReplicaAssignments() {
    }

    static void requireValid(String topic, Map<Integer, List<Integer>> assignment) {
        if (assignment.isEmpty()) {
            throw new IllegalArgumentException("Topic " + topic + " needs at least one partition");
        }
        for (int partition = 0; partition < assignment.size(); partition++) {
            List<Integer> replicas = assignment.get(partition);
            if (replicas == null) {
                throw new IllegalArgumentException("Partitions of topic " + topic + " must be numbered 0 to "
                        + (assignment.size() - 1) + ", got " + assignment.keySet());
            }
            if (replicas.isEmpty()) {
                throw new IllegalArgumentException("Partition " + topic + "-" + partition + " has no replicas");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer broker : replicas) {
                if (broker == null || broker < 0) {
                    throw new IllegalArgumentException("Partition " + topic + "-" + partition
                            + " has an invalid broker id in " + replicas);
                }
                if (!seen.add(broker)) {
                    throw new IllegalArgumentException("Partition " + topic + "-" + partition
                            + " lists broker " + broker + " twice: " + replicas);
                }
            }
        }
    }

    /** {@code proposed} must be valid, larger than {@code current}, and keep every current partition as is. */
    static void requireExtension(String topic, Map<Integer, List<Integer>> current,
                                 Map<Integer, List<Integer>> proposed) {
        requireValid(topic, proposed);
        if (proposed.size() <= current.size()) {
            throw new IllegalArgumentException("Topic " + topic + " has " + current.size()
                    + " partitions; the new assignment must have more, it has " + proposed.size());
        }
        current.forEach((partition, replicas) -> {
            if (!replicas.equals(proposed.get(partition))) {
                throw new IllegalArgumentException("Adding partitions cannot reassign existing partition " + topic
                        + "-" + partition + ": " + replicas + " became " + proposed.get(partition));
            }
        });
    }
}
