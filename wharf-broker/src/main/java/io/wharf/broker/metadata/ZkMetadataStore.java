package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Wharf's cluster metadata in ZooKeeper, in Kafka's own layout (see {@link KafkaZkPaths} for the paths and
 * the {@code *ZNode} classes for the JSON of each): live brokers, topics with their assignment, configs and
 * partition states, and the topic deletion queue. One store is one Curator client, so one ZooKeeper
 * session: the ephemeral broker registration and the controller znode of a {@link ControllerElection}
 * built on it live and die with that session, and the registration is re-created after the session expires.
 *
 * <p>{@link #start()} connects and creates the persistent parents Kafka expects ({@code /brokers/ids},
 * {@code /brokers/topics}, {@code /config/topics}, {@code /admin/delete_topics}) and Wharf's own root
 * {@code /wharf} (see {@link #wharfNodes()}). Every other method needs a
 * started store and throws {@link MetadataException} when ZooKeeper cannot be reached (after Curator's
 * bounded retries) or holds data that does not parse; bad arguments throw {@link IllegalArgumentException}.
 *
 * <p>Thread-safe.
 */
public final class ZkMetadataStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkMetadataStore.class);
    private static final byte[] EMPTY = new byte[0];

    private final String connectString;
    private final Duration connectionTimeout;
    private final CuratorFramework client;
    private final BrokerRegistry brokers;
    private final TopicRegistry topics;
    private final TopicChangeNotifier topicChanges;
    private final WharfZNodes wharfNodes;

    /**
     * @param connectString     ZooKeeper's {@code host:port[,host:port...][/chroot]}, Kafka's
     *                          {@code zookeeper.connect}
     * @param sessionTimeout    asked of the server, which clamps it to 2..20 of its ticks
     * @param connectionTimeout how long {@link #start()}, and each operation while disconnected, waits for a
     *                          connection
     */
    public ZkMetadataStore(String connectString, Duration sessionTimeout, Duration connectionTimeout) {
        this.connectString = Objects.requireNonNull(connectString, "connectString");
        this.connectionTimeout = Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
                .connectionTimeoutMs(Math.toIntExact(connectionTimeout.toMillis()))
                .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
                .defaultData(EMPTY) // Curator's default is this host's IP address; Kafka's parents are empty
                .ensembleTracker(false) // keep the connect string we were given
                .build();
        this.brokers = new BrokerRegistry(client, connectionTimeout, sessionTimeout.plusSeconds(2));
        this.topics = new TopicRegistry(client);
        this.topicChanges = new TopicChangeNotifier(client);
        this.wharfNodes = new WharfZNodes(client, connectString);
    }

    /**
     * Connects, waiting at most the connection timeout, then creates the persistent parent znodes.
     *
     * @throws MetadataException "Cannot reach ZooKeeper at X within N ms" when no connection was made
     */
    public void start() {
        client.start();
        boolean connected;
        try {
            connected = client.blockUntilConnected(Math.toIntExact(connectionTimeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new MetadataException("Interrupted while connecting to ZooKeeper at " + connectString, e);
        }
        if (!connected) {
            client.close();
            throw new MetadataException("Cannot reach ZooKeeper at " + connectString + " within "
                    + connectionTimeout.toMillis() + " ms");
        }
        for (String path : persistentPaths()) {
            ZkCalls.run("Cannot create " + path + " in ZooKeeper at " + connectString, () -> {
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, EMPTY);
                } catch (KeeperException.NodeExistsException alreadyThere) {
                    // created by an earlier broker or by Kafka
                }
            });
        }
        log.info("Connected to ZooKeeper at {} (session 0x{})", connectString, Long.toHexString(sessionId()));
    }

    private static List<String> persistentPaths() {
        List<String> paths = new java.util.ArrayList<>(KafkaZkPaths.PERSISTENT_PATHS);
        paths.add(WharfZNodes.ROOT);
        return paths;
    }

    /** Wharf's own znodes under {@code /wharf}, on this store's session; the same instance on every call. */
    public WharfZNodes wharfNodes() {
        return wharfNodes;
    }

    /**
     * Registers a live broker at EPHEMERAL {@code /brokers/ids/<id>}, kept registered across session loss
     * until this store closes.
     *
     * @throws MetadataException "broker.id N is already registered by another broker" when another session
     *                           owns that znode
     */
    public void registerBroker(BrokerRegistration registration) {
        brokers.register(registration);
    }

    /** The ids under {@code /brokers/ids}, ascending. */
    public List<Integer> liveBrokerIds() {
        return brokers.liveBrokerIds();
    }

    /** The registration at {@code /brokers/ids/<id>}, empty when that broker is not live. */
    public Optional<BrokerRegistration> broker(int id) {
        return brokers.broker(id);
    }

    /**
     * Creates {@code /brokers/topics/<name>} with a new topic id and {@code /config/topics/<name>} in one
     * transaction, and returns the topic as stored.
     *
     * @param assignment partitions 0..n-1 to their replicas, preferred leader first
     * @param configs    config overrides (may be empty)
     * @throws TopicExistsException when the topic exists
     */
    public TopicMetadata createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs) {
        return topics.create(name, assignment, configs, Map.of());
    }

    /**
     * Creates a topic together with its partitions' initial states
     * ({@code /brokers/topics/<t>/partitions/<p>/state}), all in one ZooKeeper transaction.
     */
    public TopicMetadata createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                                     Map<Integer, PartitionState> initialStates) {
        return topics.create(name, assignment, configs, initialStates);
    }

    /** The topic with its assignment and config overrides, empty when it does not exist. */
    public Optional<TopicMetadata> topic(String name) {
        return topics.topic(name);
    }

    /** The names under {@code /brokers/topics}, sorted. Topics marked for deletion are included. */
    public Set<String> topicNames() {
        return topics.topicNames();
    }

    /**
     * Grows a topic to {@code newFullAssignment}, which lists every partition: the existing ones unchanged
     * and the new ones.
     *
     * @throws UnknownTopicException when the topic does not exist
     * @throws MetadataException     when the topic changed concurrently (nothing was written)
     */
    public void addPartitions(String name, Map<Integer, List<Integer>> newFullAssignment) {
        topics.addPartitions(name, newFullAssignment);
    }

    /**
     * Replaces the config overrides of a topic at {@code /config/topics/<name>}.
     *
     * @throws UnknownTopicException when the topic does not exist
     */
    public void setTopicConfigs(String name, Map<String, String> configs) {
        topics.setConfigs(name, configs);
    }

    /**
     * Removes the topic: {@code /brokers/topics/<name>} with its partition states, {@code /config/topics/<name>}
     * and {@code /admin/delete_topics/<name>}. Removing a topic that is not there does nothing.
     */
    public void deleteTopic(String name) {
        topics.delete(name);
    }

    /**
     * Queues the topic for deletion by the controller ({@code /admin/delete_topics/<name>}).
     *
     * @throws UnknownTopicException when the topic does not exist
     */
    public void markTopicForDeletion(String name) {
        topics.markForDeletion(name);
    }

    /** The names under {@code /admin/delete_topics}, sorted. */
    /**
     * The cluster's id from {@code /cluster/id}, created (a random Kafka-style id) by the first broker that
     * asks. Every broker of one ZooKeeper ensemble reports the same id to clients.
     */
    public String clusterId() {
        return ZkCalls.call("Cannot read or create " + ClusterIdZNode.PATH, () -> {
            try {
                return ClusterIdZNode.decode(client.getData().forPath(ClusterIdZNode.PATH));
            } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                String id = TopicIds.random();
                try {
                    client.create().creatingParentsIfNeeded().forPath(ClusterIdZNode.PATH, ClusterIdZNode.encode(id));
                    return id;
                } catch (org.apache.zookeeper.KeeperException.NodeExistsException raced) {
                    return ClusterIdZNode.decode(client.getData().forPath(ClusterIdZNode.PATH));
                }
            }
        });
    }

    /**
     * Claims the next block of {@code size} producer ids for {@code brokerId}: a compare-and-set on
     * {@code /latest_producer_id_block}, retried when another broker won the race. Returns the first id.
     */
    public long allocateProducerIdBlock(int brokerId, int size) {
        return ZkCalls.call("Cannot allocate producer ids at " + ProducerIdBlockZNode.PATH, () -> {
            while (true) {
                org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(ProducerIdBlockZNode.PATH);
                } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                    try {
                        client.create().forPath(ProducerIdBlockZNode.PATH,
                            ProducerIdBlockZNode.encode(brokerId, 0, size - 1L));
                        return 0L;
                    } catch (org.apache.zookeeper.KeeperException.NodeExistsException raced) {
                        continue;
                    }
                }
                long start = ProducerIdBlockZNode.blockEnd(data) + 1;
                try {
                    client.setData().withVersion(stat.getVersion()).forPath(ProducerIdBlockZNode.PATH,
                        ProducerIdBlockZNode.encode(brokerId, start, start + size - 1));
                    return start;
                } catch (org.apache.zookeeper.KeeperException.BadVersionException raced) {
                    // another broker took this block; read again
                }
            }
        });
    }

    public Set<String> topicsMarkedForDeletion() {
        return topics.markedForDeletion();
    }

    /**
     * Writes the leader and ISR of a partition of an existing topic (creating the znode if needed).
     *
     * @throws UnknownTopicException    when the topic does not exist
     * @throws IllegalArgumentException when the topic has no such partition
     */
    public void setPartitionState(String topic, int partition, PartitionState state) {
        topics.setPartitionState(topic, partition, state);
    }

    /** The leader and ISR of a partition, empty when no controller wrote one yet. */
    public Optional<PartitionState> partitionState(String topic, int partition) {
        return topics.partitionState(topic, partition);
    }

    /**
     * Runs {@code onChange} after any change under {@code /brokers/topics} or {@code /config/topics}, on a
     * thread of this store (see {@link TopicChangeNotifier} for the exact guarantee).
     */
    public void addTopicsListener(Runnable onChange) {
        topicChanges.add(Objects.requireNonNull(onChange, "onChange"));
    }

    public void removeTopicsListener(Runnable onChange) {
        topicChanges.remove(onChange);
    }

    public String connectString() {
        return connectString;
    }

    /** Deregisters this store's brokers, stops listeners and ends the ZooKeeper session. */
    @Override
    public void close() {
        topicChanges.close();
        wharfNodes.close();
        brokers.close();
        client.close();
    }

    /** The Curator client, for recipes built on this store's session ({@link ControllerElection}). */
    CuratorFramework curator() {
        return client;
    }

    /** The id of the current ZooKeeper session, the ephemeral owner of what this store registered. */
    long sessionId() {
        return ZkCalls.call("Cannot read the ZooKeeper session of " + connectString,
                () -> client.getZookeeperClient().getZooKeeper().getSessionId());
    }
}
