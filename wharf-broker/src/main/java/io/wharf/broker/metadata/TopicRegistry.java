package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Topics in Kafka's layout: the assignment at {@code /brokers/topics/<t>} ({@link TopicZNode}), the config
 * overrides at {@code /config/topics/<t>} ({@link TopicConfigZNode}), leadership per partition at
 * {@code /brokers/topics/<t>/partitions/<p>/state} ({@link PartitionStateZNode}) and the deletion queue
 * {@code /admin/delete_topics/<t>}.
 *
 * <p>Invariants: a topic exists iff {@code /brokers/topics/<t>} exists; it is created together with its
 * config znode in one ZooKeeper transaction; its topic id never changes; adding partitions keeps every
 * existing partition's replicas (a conditional write on the znode version, so concurrent writers cannot
 * lose each other's change). Deleting is idempotent.
 *
 * <p>Thread-safe (all state is in ZooKeeper).
 */
final class TopicRegistry {

    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);
    private static final byte[] EMPTY = new byte[0];

    private final CuratorFramework client;

    TopicRegistry(CuratorFramework client) {
        this.client = client;
    }

    /**
     * Creates the topic, its config and (when given) its partitions' initial state znodes in one
     * ZooKeeper transaction: one write to ZooKeeper's log however many partitions there are.
     */
    TopicMetadata create(String topic, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                         Map<Integer, PartitionState> initialStates) {
        KafkaZkPaths.requireLegalTopic(topic);
        ReplicaAssignments.requireValid(topic, assignment);
        TopicZNode.Data data = new TopicZNode.Data(TopicIds.random(), new TreeMap<>(assignment),
                Collections.emptySortedMap(), Collections.emptySortedMap());
        String topicPath = KafkaZkPaths.topic(topic);
        String configPath = KafkaZkPaths.topicConfig(topic);
        ZkCalls.run("Cannot create topic " + topic + " at " + topicPath, () -> {
            // A config znode may outlive its topic (Kafka writes it first, outside any transaction): overwrite it.
            Stat configStat = client.checkExists().forPath(configPath);
            CuratorOp writeConfig = configStat == null
                    ? client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(configPath, TopicConfigZNode.encode(configs))
                    : client.transactionOp().setData().withVersion(configStat.getVersion())
                            .forPath(configPath, TopicConfigZNode.encode(configs));
            java.util.List<CuratorOp> ops = new java.util.ArrayList<>();
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(topicPath, TopicZNode.encode(data)));
            ops.add(writeConfig);
            if (!initialStates.isEmpty()) {
                ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(KafkaZkPaths.partitions(topic), new byte[0]));
                for (Map.Entry<Integer, PartitionState> e : new TreeMap<>(initialStates).entrySet()) {
                    ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(KafkaZkPaths.partition(topic, e.getKey()), new byte[0]));
                    ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(KafkaZkPaths.partitionState(topic, e.getKey()), PartitionStateZNode.encode(e.getValue())));
                }
            }
            try {
                client.transaction().forOperations(ops);
            } catch (KeeperException e) {
                if (failedOn(e, 0) == KeeperException.Code.NODEEXISTS) {
                    throw new TopicExistsException(topic);
                }
                throw e;
            }
        });
        log.info("Created topic {} (id {}) with {} partitions", topic, data.topicId(), assignment.size());
        return new TopicMetadata(topic, data.topicId(), data.partitions(), configs);
    }

    Optional<TopicMetadata> topic(String topic) {
        KafkaZkPaths.requireLegalTopic(topic);
        return ZkCalls.call("Cannot read topic " + topic + " at " + KafkaZkPaths.topic(topic), () -> {
            byte[] bytes;
            try {
                bytes = client.getData().forPath(KafkaZkPaths.topic(topic));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
            TopicZNode.Data data = TopicZNode.decode(topic, bytes);
            return Optional.of(new TopicMetadata(topic, data.topicId(), data.partitions(), readConfigs(topic)));
        });
    }

    Set<String> topicNames() {
        return children(KafkaZkPaths.TOPICS);
    }

    void addPartitions(String topic, Map<Integer, List<Integer>> newFullAssignment) {
        KafkaZkPaths.requireLegalTopic(topic);
        String path = KafkaZkPaths.topic(topic);
        ZkCalls.run("Cannot add partitions to topic " + topic + " at " + path, () -> {
            Stat stat = new Stat();
            byte[] bytes;
            try {
                bytes = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                throw new UnknownTopicException(topic);
            }
            TopicZNode.Data current = TopicZNode.decode(topic, bytes);
            ReplicaAssignments.requireExtension(topic, current.partitions(), newFullAssignment);
            try {
                client.setData().withVersion(stat.getVersion())
                        .forPath(path, TopicZNode.encode(current.withPartitions(newFullAssignment)));
            } catch (KeeperException.BadVersionException e) {
                throw new MetadataException("Topic " + topic + " changed at " + path
                        + " while adding partitions; read it again and retry", e);
            } catch (KeeperException.NoNodeException e) {
                throw new UnknownTopicException(topic);
            }
            log.info("Topic {} now has {} partitions (was {})", topic, newFullAssignment.size(),
                    current.partitions().size());
        });
    }

    /** Replaces the whole override map of an existing topic. */
    void setConfigs(String topic, Map<String, String> configs) {
        KafkaZkPaths.requireLegalTopic(topic);
        String path = KafkaZkPaths.topicConfig(topic);
        ZkCalls.run("Cannot write configs of topic " + topic + " at " + path, () -> {
            requireTopic(topic);
            client.create().orSetData().withMode(CreateMode.PERSISTENT).forPath(path, TopicConfigZNode.encode(configs));
        });
    }

    void delete(String topic) {
        KafkaZkPaths.requireLegalTopic(topic);
        ZkCalls.run("Cannot delete topic " + topic, () -> {
            deleteIfExists(KafkaZkPaths.topic(topic), true);
            deleteIfExists(KafkaZkPaths.topicConfig(topic), false);
            deleteIfExists(KafkaZkPaths.deleteTopicMarker(topic), false);
        });
        log.info("Deleted topic {}", topic);
    }

    /** Queues an existing topic for deletion; queuing it twice is not an error (as in Kafka). */
    void markForDeletion(String topic) {
        KafkaZkPaths.requireLegalTopic(topic);
        String path = KafkaZkPaths.deleteTopicMarker(topic);
        ZkCalls.run("Cannot mark topic " + topic + " for deletion at " + path, () -> {
            requireTopic(topic);
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, EMPTY);
            } catch (KeeperException.NodeExistsException alreadyMarked) {
                log.debug("Topic {} was already marked for deletion", topic);
            }
        });
    }

    Set<String> markedForDeletion() {
        return children(KafkaZkPaths.DELETE_TOPICS);
    }

    void setPartitionState(String topic, int partition, PartitionState state) {
        KafkaZkPaths.requireLegalTopic(topic);
        String path = KafkaZkPaths.partitionState(topic, partition);
        ZkCalls.run("Cannot write partition state at " + path, () -> {
            TopicZNode.Data data;
            try {
                data = TopicZNode.decode(topic, client.getData().forPath(KafkaZkPaths.topic(topic)));
            } catch (KeeperException.NoNodeException e) {
                throw new UnknownTopicException(topic);
            }
            if (!data.partitions().containsKey(partition)) {
                throw new IllegalArgumentException("Topic " + topic + " has no partition " + partition
                        + " (partitions " + data.partitions().keySet() + ")");
            }
            // Created level by level, never with creatingParentsIfNeeded: that would resurrect a deleted topic.
            try {
                createIfMissing(KafkaZkPaths.partitions(topic));
                createIfMissing(KafkaZkPaths.partition(topic, partition));
                client.create().orSetData().withMode(CreateMode.PERSISTENT)
                        .forPath(path, PartitionStateZNode.encode(state));
            } catch (KeeperException.NoNodeException e) {
                throw new UnknownTopicException(topic);
            }
        });
    }

    Optional<PartitionState> partitionState(String topic, int partition) {
        KafkaZkPaths.requireLegalTopic(topic);
        String path = KafkaZkPaths.partitionState(topic, partition);
        return ZkCalls.call("Cannot read partition state at " + path, () -> {
            try {
                return Optional.of(PartitionStateZNode.decode(topic, partition, client.getData().forPath(path)));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    private SortedMap<String, String> readConfigs(String topic) throws Exception {
        try {
            return TopicConfigZNode.decode(topic, client.getData().forPath(KafkaZkPaths.topicConfig(topic)));
        } catch (KeeperException.NoNodeException e) {
            return Collections.emptySortedMap();
        }
    }

    private void requireTopic(String topic) throws Exception {
        if (client.checkExists().forPath(KafkaZkPaths.topic(topic)) == null) {
            throw new UnknownTopicException(topic);
        }
    }

    private Set<String> children(String path) {
        List<String> names = ZkCalls.call("Cannot list " + path, () -> client.getChildren().forPath(path));
        return Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }

    private void createIfMissing(String path) throws Exception {
        try {
            client.create().withMode(CreateMode.PERSISTENT).forPath(path, EMPTY);
        } catch (KeeperException.NodeExistsException ignored) {
            // already there
        }
    }

    private void deleteIfExists(String path, boolean recursive) throws Exception {
        try {
            if (recursive) {
                client.delete().deletingChildrenIfNeeded().forPath(path);
            } else {
                client.delete().forPath(path);
            }
        } catch (KeeperException.NoNodeException ignored) {
            // already gone
        }
    }

    /** The error of operation {@code index} of a failed multi, or null when that operation did not fail. */
    private static KeeperException.Code failedOn(KeeperException e, int index) {
        List<OpResult> results = e.getResults();
        if (results == null || results.size() <= index || !(results.get(index) instanceof OpResult.ErrorResult error)) {
            return null;
        }
        return KeeperException.Code.get(error.getErr());
    }
}
