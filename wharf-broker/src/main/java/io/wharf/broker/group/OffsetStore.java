package io.wharf.broker.group;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer-group offsets: key (group, topic, partition) to {@link CommittedOffset}, kept in memory
 * and persisted in the compacted topic {@value OffsetsTopic#NAME} (record layout in {@link OffsetRecords}),
 * where the last record of a key wins and a tombstone deletes it.
 *
 * <p>Life cycle: {@link #start()} creates the topic if it does not exist yet (with
 * {@code offsets.topic.num.partitions} partitions, compacted), then scans every local partition of it from
 * the log start to the log end to rebuild the map, on a thread of its own. Until that is done the store is
 * not {@link #isActive() active} and must not be read or written; callers answer "loading" meanwhile.
 * A failed start (ZooKeeper unreachable, a broken log) leaves the store startable again.
 *
 * <p>Invariant: the map holds exactly what a load of the topic would give. Each write appends its records
 * and then updates the map under the lock of its offsets partition, so the log order and the map order of
 * two writes of the same group never differ.
 *
 * <p>Thread-safety: all public methods may be called from any thread. Reads take no lock.
 */
public final class OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetStore.class);

    /** Where the store is in its life cycle. */
    public enum State { NOT_STARTED, CREATING_TOPIC, LOADING, ACTIVE }

    private final TopicManager topics;
    private final int configuredPartitions;
    private final short replicationFactor;
    private final Executor loader;
    private final Map<String, Map<PartitionId, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    private volatile State state = State.NOT_STARTED;
    private volatile int partitionCount;
    /** One lock per partition of the offsets topic; see the class comment. */
    private volatile Object[] partitionLocks;
    private CompletableFuture<Void> topicReady;
    private CompletableFuture<Void> loaded;

    /**
     * @param configuredPartitions {@code offsets.topic.num.partitions}, used only if the topic must be created
     * @param replicationFactor    {@code offsets.topic.replication.factor}, likewise
     */
    public OffsetStore(TopicManager topics, int configuredPartitions, short replicationFactor) {
        this.topics = topics;
        this.configuredPartitions = configuredPartitions;
        this.replicationFactor = replicationFactor;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "wharf-offsets-loader");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // nothing to shut down: the thread ends when idle
        this.loader = pool;
    }

    public State state() { return state; }

    public boolean isActive() { return state == State.ACTIVE; }

    /** Whether {@value OffsetsTopic#NAME} exists already, so that a start only loads. */
    public boolean topicExists() { return topics.topic(OffsetsTopic.NAME).isPresent(); }

    /**
     * Starts the store unless it is started or starting. The first future completes when the topic exists
     * (the coordinator can be named), the second when the offsets are loaded; both fail if the start fails.
     */
    public synchronized Starting start() {
        if (state == State.NOT_STARTED) {
            state = State.CREATING_TOPIC;
            topicReady = new CompletableFuture<>();
            loaded = new CompletableFuture<>();
            CompletableFuture<Void> ready = topicReady;
            CompletableFuture<Void> done = loaded;
            loader.execute(() -> createAndLoad(ready, done));
        }
        return new Starting(topicReady, loaded);
    }

    /** The futures of {@link #start()}. */
    public record Starting(CompletableFuture<Void> topicReady, CompletableFuture<Void> loaded) {
    }

    private void createAndLoad(CompletableFuture<Void> ready, CompletableFuture<Void> done) {
        try {
            TopicMetadata topic = topics.topic(OffsetsTopic.NAME).orElseGet(this::createTopic);
            int count = topic.partitionCount();
            Object[] locks = new Object[count];
            for (int i = 0; i < count; i++) locks[i] = new Object();
            partitionLocks = locks;
            partitionCount = count;
            state = State.LOADING;
            ready.complete(null);
            long begin = System.nanoTime();
            OffsetLoader.Result result = new OffsetLoader(offsets).loadAll(topics, count);
            state = State.ACTIVE;
            LOG.info("Loaded {} committed offset(s) of {} group(s) from {} in {} ms ({} record(s) read)", result.offsets(),
                offsets.size(), OffsetsTopic.NAME, (System.nanoTime() - begin) / 1_000_000, result.records());
            done.complete(null);
        } catch (RuntimeException e) {
            LOG.error("Could not start the offset store on {}; it will be retried on the next group request",
                OffsetsTopic.NAME, e);
            offsets.clear();
            synchronized (this) {
                state = State.NOT_STARTED;
            }
            ready.completeExceptionally(e);
            done.completeExceptionally(e);
        }
    }

    private TopicMetadata createTopic() {
        try {
            return topics.createTopic(OffsetsTopic.NAME, configuredPartitions, replicationFactor, OffsetsTopic.configs(), false);
        } catch (BrokerException e) {
            if (e.error() != BrokerError.TOPIC_ALREADY_EXISTS) throw e;
            // Created meanwhile (another broker): ZooKeeper has it even if our topic cache does not yet.
            topics.refresh();
            return topics.topic(OffsetsTopic.NAME).orElseThrow(() -> e);
        }
    }

    /** The partition of the offsets topic that holds {@code group}; only once the topic exists. */
    public int partitionFor(String group) {
        int count = partitionCount;
        if (count == 0) throw new IllegalStateException("The offsets topic is not known yet (state " + state + ")");
        return OffsetsTopic.partitionFor(group, count);
    }

    /** The committed offset of {@code partition} in {@code group}, if any. */
    public Optional<CommittedOffset> offset(String group, PartitionId partition) {
        Map<PartitionId, CommittedOffset> g = offsets.get(group);
        return g == null ? Optional.empty() : Optional.ofNullable(g.get(partition));
    }

    /** Every committed offset of {@code group} (a copy; empty when it has none). */
    public Map<PartitionId, CommittedOffset> offsets(String group) {
        Map<PartitionId, CommittedOffset> g = offsets.get(group);
        return g == null ? Map.of() : Map.copyOf(g);
    }

    public boolean hasOffsets(String group) {
        Map<PartitionId, CommittedOffset> g = offsets.get(group);
        return g != null && !g.isEmpty();
    }

    /** The groups that have at least one committed offset. */
    public Set<String> groups() { return Set.copyOf(offsets.keySet()); }

    /**
     * Stores {@code commits} for {@code group} as one record batch, then makes them visible. Throws a
     * {@link BrokerException} when the append fails (nothing is then changed), NOT_LEADER_OR_FOLLOWER when
     * the group's offsets partition is not hosted here.
     */
    public void commit(String group, Map<PartitionId, CommittedOffset> commits) {
        if (commits.isEmpty()) return;
        int p = requireActive(group);
        RecordBatchBuilder batch = RecordBatchBuilder.newBatch(Compression.NONE);
        long now = System.currentTimeMillis();
        commits.forEach((partition, offset) ->
            batch.append(now, OffsetRecords.offsetKey(group, partition), OffsetRecords.offsetValue(offset)));
        Partition log = localPartition(p);
        synchronized (partitionLocks[p]) {
            log.appendAsLeader(batch.build());
            offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(commits);
        }
    }

    /**
     * Deletes the committed offsets of {@code partitions} in {@code group} (tombstones for those that exist);
     * returns how many were deleted.
     */
    public int deleteOffsets(String group, Collection<PartitionId> partitions) {
        int p = requireActive(group);
        synchronized (partitionLocks[p]) {
            Map<PartitionId, CommittedOffset> g = offsets.get(group);
            if (g == null) return 0;
            List<PartitionId> present = partitions.stream().distinct().filter(g::containsKey).toList();
            if (present.isEmpty()) return 0;
            writeTombstones(p, group, present);
            present.forEach(g::remove);
            if (g.isEmpty()) offsets.remove(group);
            return present.size();
        }
    }

    /** Deletes every committed offset of {@code group} (tombstones); returns how many were deleted. */
    public int deleteGroup(String group) {
        int p = requireActive(group);
        synchronized (partitionLocks[p]) {
            Map<PartitionId, CommittedOffset> g = offsets.get(group);
            if (g == null || g.isEmpty()) {
                offsets.remove(group);
                return 0;
            }
            List<PartitionId> all = List.copyOf(g.keySet());
            writeTombstones(p, group, all);
            offsets.remove(group);
            return all.size();
        }
    }

    private void writeTombstones(int p, String group, List<PartitionId> partitions) {
        RecordBatchBuilder batch = RecordBatchBuilder.newBatch(Compression.NONE);
        long now = System.currentTimeMillis();
        for (PartitionId partition : partitions) batch.append(now, OffsetRecords.offsetKey(group, partition), null);
        localPartition(p).appendAsLeader(batch.build());
    }

    private int requireActive(String group) {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("The offset store is " + state + "; group " + group + " cannot be written yet");
        }
        return partitionFor(group);
    }

    private Partition localPartition(int p) {
        PartitionId id = new PartitionId(OffsetsTopic.NAME, p);
        return topics.partition(id).orElseThrow(() -> new BrokerException(BrokerError.NOT_LEADER_OR_FOLLOWER,
            "Partition " + id + " of the offsets topic is not hosted on this broker"));
    }
}
