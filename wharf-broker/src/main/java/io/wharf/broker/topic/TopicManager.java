package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.BrokerSettings;
import io.wharf.broker.metadata.PartitionState;
import io.wharf.broker.metadata.TopicExistsException;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics: their metadata in ZooKeeper (Kafka's layout, through {@link ZkMetadataStore}) and the local
 * partitions this broker hosts (logs in the {@link LogManager}). Creating, altering and deleting a topic
 * writes ZooKeeper first and then brings the local partitions in line, so ZooKeeper stays the source of
 * truth; {@link #refresh()} re-applies it (at start-up and when ZooKeeper says topics changed).
 *
 * <p>With {@code delete.topic.enable=false} a delete only marks the topic under
 * {@code /admin/delete_topics} and the topic keeps working; the first start with the flag on deletes it.
 *
 * <p>Thread-safety: public methods may be called from any thread; changes are serialised on this object.
 */
public final class TopicManager {
    private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);

    private final BrokerSettings settings;
    private final ZkMetadataStore metadata;
    private final LogManager logs;
    private final Map<PartitionId, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<String, TopicMetadata> topics = new ConcurrentHashMap<>();
    /** Leader, epoch and ISR of every partition of every topic (not only local ones), as ZooKeeper last said. */
    private final Map<PartitionId, PartitionState> leadership = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    public TopicManager(BrokerSettings settings, ZkMetadataStore metadata, LogManager logs) {
        this.settings = settings;
        this.metadata = metadata;
        this.logs = logs;
    }

    /**
     * Calls {@code listener} with the name of every topic deleted from now on (here or by another broker),
     * after its partitions are gone. It runs under this manager's lock: it must be quick and must not call
     * back into the manager (hand the work to another thread).
     */
    public void onTopicDeleted(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    /** Loads every topic, finishes pending deletions if allowed, and opens the local partitions. */
    public synchronized void start() {
        if (settings.deleteTopicEnable()) {
            for (String marked : metadata.topicsMarkedForDeletion()) {
                LOG.info("Deleting topic {}, marked for deletion while delete.topic.enable was false", marked);
                deleteNow(marked);
            }
        }
        refresh();
        metadata.addTopicsListener(this::refreshQuietly);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Refreshing topics from ZooKeeper failed", e);
        }
    }

    /** Brings the local partitions in line with ZooKeeper. */
    public synchronized void refresh() {
        Set<String> names = metadata.topicNames();
        for (String name : names) {
            metadata.topic(name).ifPresent(this::apply);
        }
        for (String gone : new ArrayList<>(topics.keySet())) {
            if (!names.contains(gone)) dropLocal(gone);
        }
    }

    private void apply(TopicMetadata topic) {
        apply(topic, Map.of());
    }

    /**
     * Brings one topic's local partitions in line with {@code topic}; partition states in {@code known}
     * (just written by this broker) are used as they are instead of being read back from ZooKeeper.
     */
    private void apply(TopicMetadata topic, Map<Integer, PartitionState> known) {
        topics.put(topic.name(), topic);
        LogConfig config = logConfig(topic);
        topic.replicaAssignment().forEach((p, replicas) -> {
            PartitionId id = new PartitionId(topic.name(), p);
            Optional<PartitionState> state = known.containsKey(p) ? Optional.of(known.get(p))
                : metadata.partitionState(topic.name(), p);
            if (replicas.contains(settings.brokerId())) {
                openLocal(id, replicas, config);
                if (state.isEmpty()) {
                    // No controller elects leaders yet: the preferred replica leads, alone in the ISR.
                    PartitionState initial = initialState(replicas);
                    metadata.setPartitionState(topic.name(), p, initial);
                    state = Optional.of(initial);
                }
            }
            state.ifPresentOrElse(s -> leadership.put(id, s), () -> leadership.remove(id));
        });
    }

    /** A new partition's state: its first replica leads, alone in the ISR, at leader epoch 0. */
    private static PartitionState initialState(List<Integer> replicas) {
        return new PartitionState(replicas.get(0), 0, List.of(replicas.get(0)), 1);
    }

    private void openLocal(PartitionId id, List<Integer> replicas, LogConfig config) {
        Partition existing = partitions.get(id);
        if (existing != null) {
            existing.updateReplicas(replicas);
            existing.log().updateConfig(config);
            return;
        }
        Log log = logs.getOrCreateLog(id.logId(), config);
        log.highWatermarkToLogEnd();
        partitions.put(id, new Partition(id, log, replicas));
    }

    /**
     * A topic's effective log settings: the broker's defaults with the topic's overrides on top (the
     * defaults alone if an override stored in ZooKeeper is invalid).
     */
    public LogConfig logConfig(TopicMetadata topic) {
        try {
            return settings.defaultLogConfig().withOverrides(topic.configs());
        } catch (IllegalArgumentException e) {
            LOG.warn("Topic {} has an invalid config override ({}); using the broker defaults", topic.name(), e.getMessage());
            return settings.defaultLogConfig();
        }
    }

    /**
     * Creates a topic with {@code partitions} partitions ({@code -1}: {@code num.partitions}) of
     * {@code replicationFactor} replicas ({@code -1}: {@code default.replication.factor}), placed round
     * robin over the live brokers. With {@code validateOnly} nothing is written.
     */
    public synchronized TopicMetadata createTopic(String name, int partitions, short replicationFactor,
                                                  Map<String, String> configs, boolean validateOnly) {
        TopicNames.validate(name);
        if (topics.containsKey(name) || metadata.topic(name).isPresent()) {
            throw new BrokerException(BrokerError.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        requireNoCollision(name);
        int count = partitions == -1 ? settings.numPartitions() : partitions;
        short rf = replicationFactor == -1 ? settings.defaultReplicationFactor() : replicationFactor;
        if (count < 1) {
            throw new BrokerException(BrokerError.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
        }
        List<Integer> brokers = new ArrayList<>(metadata.liveBrokerIds());
        if (rf < 1) {
            throw new BrokerException(BrokerError.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0.");
        }
        if (rf > brokers.size()) {
            throw new BrokerException(BrokerError.INVALID_REPLICATION_FACTOR, "Replication factor: " + rf
                + " larger than available brokers: " + brokers.size() + ".");
        }
        TopicConfigs.validate(settings.defaultLogConfig(), configs);
        Map<Integer, List<Integer>> assignment = assign(brokers, 0, count, rf);
        if (validateOnly) return new TopicMetadata(name, "", assignment, configs);
        TopicMetadata created;
        Map<Integer, PartitionState> initialStates = new TreeMap<>();
        assignment.forEach((p, replicas) -> initialStates.put(p, initialState(replicas)));
        try {
            created = metadata.createTopic(name, assignment, configs, initialStates);
        } catch (TopicExistsException e) {
            throw new BrokerException(BrokerError.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.", e);
        }
        apply(created, initialStates);
        LOG.info("Created topic {} with {} partition(s), replication factor {}", name, count, rf);
        return created;
    }

    /**
     * Kafka's rule: '.' and '_' may collide in metric names, so two topics differing only in those (a.b and
     * a_b) cannot both exist.
     */
    private void requireNoCollision(String name) {
        if (name.indexOf('.') < 0 && name.indexOf('_') < 0) return;
        String unified = name.replace('.', '_');
        for (String existing : topics.keySet()) {
            if (existing.replace('.', '_').equals(unified)) {
                throw new BrokerException(BrokerError.INVALID_TOPIC, "Topic '" + name + "' collides with existing topic: " + existing);
            }
        }
    }

    /** Round-robin placement starting at partition {@code from}, Kafka's simple rack-unaware way. */
    private static Map<Integer, List<Integer>> assign(List<Integer> brokers, int from, int to, short rf) {
        brokers.sort(Integer::compare);
        Map<Integer, List<Integer>> assignment = new TreeMap<>();
        for (int p = from; p < to; p++) {
            List<Integer> replicas = new ArrayList<>(rf);
            for (int r = 0; r < rf; r++) replicas.add(brokers.get((p + r) % brokers.size()));
            assignment.put(p, replicas);
        }
        return assignment;
    }

    /** Raises a topic's partition count (partitions are never removed, as in Kafka). */
    public synchronized void createPartitions(String name, int newCount, boolean validateOnly) {
        TopicMetadata topic = requireTopic(name);
        int current = topic.partitionCount();
        if (newCount == current) {
            throw new BrokerException(BrokerError.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
        }
        if (newCount < current) {
            throw new BrokerException(BrokerError.INVALID_PARTITIONS, "Topic currently has " + current
                + " partitions, which is higher than the requested " + newCount + ".");
        }
        short rf = (short) topic.replicaAssignment().get(0).size();
        List<Integer> brokers = new ArrayList<>(metadata.liveBrokerIds());
        if (rf > brokers.size()) {
            throw new BrokerException(BrokerError.INVALID_REPLICATION_FACTOR, "Replication factor " + rf
                + " is larger than the " + brokers.size() + " live broker(s)");
        }
        if (validateOnly) return;
        Map<Integer, List<Integer>> full = new TreeMap<>(topic.replicaAssignment());
        full.putAll(assign(brokers, current, newCount, rf));
        metadata.addPartitions(name, full);
        metadata.topic(name).ifPresent(this::apply);
    }

    /** Replaces a topic's config overrides (validated first) and applies them to its logs. */
    public synchronized void setTopicConfigs(String name, Map<String, String> configs, boolean validateOnly) {
        requireTopic(name);
        TopicConfigs.validate(settings.defaultLogConfig(), configs);
        if (validateOnly) return;
        metadata.setTopicConfigs(name, configs);
        metadata.topic(name).ifPresent(this::apply);
    }

    /**
     * Deletes a topic. With {@code delete.topic.enable=false} it is only marked for deletion and
     * TOPIC_DELETION_DISABLED is thrown; it keeps working until a restart with the flag on.
     */
    public synchronized void deleteTopic(String name) {
        requireTopic(name);
        if (!settings.deleteTopicEnable()) {
            metadata.markTopicForDeletion(name);
            throw new BrokerException(BrokerError.TOPIC_DELETION_DISABLED, "Topic deletion is disabled "
                + "(delete.topic.enable=false); topic '" + name + "' is marked for deletion under /admin/delete_topics "
                + "and will be deleted when the broker restarts with delete.topic.enable=true");
        }
        deleteNow(name);
    }

    private void deleteNow(String name) {
        metadata.deleteTopic(name);
        dropLocal(name);
        LOG.info("Deleted topic {}", name);
    }

    private void dropLocal(String name) {
        topics.remove(name);
        leadership.keySet().removeIf(id -> id.topic().equals(name));
        for (PartitionId id : new ArrayList<>(partitions.keySet())) {
            if (id.topic().equals(name)) {
                partitions.remove(id);
                logs.deleteLog(id.logId());
            }
        }
        // Logs left on disk by a deletion that happened while this broker was down.
        logs.allLogs().keySet().stream().filter(l -> l.name().equals(name)).toList().forEach(logs::deleteLog);
        for (Consumer<String> listener : deletionListeners) {
            try {
                listener.accept(name);
            } catch (RuntimeException e) {
                LOG.error("A topic deletion listener failed for {}", name, e);
            }
        }
    }

    private TopicMetadata requireTopic(String name) {
        TopicMetadata topic = topics.get(name);
        if (topic == null) topic = metadata.topic(name).orElse(null);
        if (topic == null) {
            throw new BrokerException(BrokerError.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist");
        }
        return topic;
    }

    public Optional<TopicMetadata> topic(String name) { return Optional.ofNullable(topics.get(name)); }

    /** The topic with this id (Kafka's 22-character base64url form), for requests that name topics by id. */
    public Optional<TopicMetadata> topicById(String topicId) {
        return topics.values().stream().filter(t -> t.topicId().equals(topicId)).findFirst();
    }

    public Collection<TopicMetadata> topics() { return List.copyOf(topics.values()); }

    public Optional<Partition> partition(PartitionId id) { return Optional.ofNullable(partitions.get(id)); }

    public Collection<Partition> localPartitions() { return List.copyOf(partitions.values()); }

    /** A topic's config overrides (UNKNOWN_TOPIC_OR_PARTITION if it does not exist). */
    public Map<String, String> overrides(String name) {
        return new HashMap<>(requireTopic(name).configs());
    }

    /**
     * The effective value of every topic-level key for a topic with {@code overrides}, and where each comes
     * from (the override, this broker's configuration, or Kafka's default).
     */
    public List<TopicConfigs.Value> describeConfigs(Map<String, String> overrides) {
        return TopicConfigs.describe(settings.defaultLogConfig(), settings.minInsyncReplicas(), overrides);
    }

    /**
     * The leader, leader epoch and ISR of a partition as ZooKeeper last said (refreshed on every topic change),
     * empty when no broker hosting it has written one yet.
     */
    public Optional<PartitionState> leadership(PartitionId id) {
        return Optional.ofNullable(leadership.get(id));
    }
}
