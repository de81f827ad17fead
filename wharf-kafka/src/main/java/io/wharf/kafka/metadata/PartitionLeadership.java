package io.wharf.kafka.metadata;

import io.wharf.broker.metadata.PartitionState;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import java.util.List;

/** The leader, epoch and ISR that Metadata and DescribeTopicPartitions report for a partition. */
final class PartitionLeadership {
    private PartitionLeadership() {
    }

    /**
     * The partition's state as ZooKeeper last said; before the first broker hosting it has written one, what
     * that broker will write: the preferred (first) replica leads, epoch 0, alone in the ISR.
     */
    static PartitionState of(TopicManager topics, TopicMetadata topic, int partition, List<Integer> replicas) {
        return topics.leadership(new PartitionId(topic.name(), partition))
            .orElseGet(() -> new PartitionState(replicas.get(0), 0, List.of(replicas.get(0)), 0));
    }
}
