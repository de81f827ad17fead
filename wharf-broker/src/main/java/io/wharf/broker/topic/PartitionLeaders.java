package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.BrokerSettings;
import io.wharf.broker.metadata.TopicMetadata;

/**
 * The partitions this broker leads, as the produce and fetch paths of every protocol need them: a partition
 * that exists but is led elsewhere (or not hosted here) is NOT_LEADER_OR_FOLLOWER, one that does not exist
 * is UNKNOWN_TOPIC_OR_PARTITION — the distinction tells a client whether to refresh its metadata or give up.
 *
 * <p>Stateless and thread-safe: every answer reads the {@link TopicManager}'s current state.
 */
public final class PartitionLeaders {
    private final TopicManager topics;
    private final BrokerSettings settings;

    public PartitionLeaders(TopicManager topics, BrokerSettings settings) {
        this.topics = topics;
        this.settings = settings;
    }

    /** The local partition {@code id} if this broker is its leader; otherwise throws with the reason. */
    public Partition leader(PartitionId id) {
        Partition partition = topics.partition(id).orElse(null);
        if (partition == null) {
            TopicMetadata topic = topics.topic(id.topic()).orElse(null);
            if (topic == null || !topic.replicaAssignment().containsKey(id.partition())) {
                throw new BrokerException(BrokerError.UNKNOWN_TOPIC_OR_PARTITION,
                    "This server does not host this topic-partition: " + id);
            }
            throw new BrokerException(BrokerError.NOT_LEADER_OR_FOLLOWER, "Broker " + settings.brokerId()
                + " is not a replica of " + id);
        }
        if (partition.leader() != settings.brokerId()) {
            throw new BrokerException(BrokerError.NOT_LEADER_OR_FOLLOWER, "Broker " + settings.brokerId()
                + " is not the leader of " + id + " (leader: " + partition.leader() + ")");
        }
        return partition;
    }

    /** {@code min.insync.replicas} of {@code topic}: its override, else the broker default. */
    public int minInsyncReplicas(String topic) {
        String override = topics.topic(topic).map(t -> t.configs().get(TopicConfigs.MIN_INSYNC_REPLICAS)).orElse(null);
        if (override != null) {
            try {
                return Integer.parseInt(override.trim());
            } catch (NumberFormatException e) {
                // Validated when set; a hand-edited ZooKeeper node falls back to the broker default.
            }
        }
        return settings.minInsyncReplicas();
    }
}
