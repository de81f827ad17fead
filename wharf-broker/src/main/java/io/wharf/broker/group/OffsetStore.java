package io.wharf.broker.group;

import io.wharf.broker.BrokerException;
import io.wharf.broker.topic.InternalTopic;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer-group offsets: key (group, topic, partition) to {@link CommittedOffset}, kept in memory
 * and persisted in the compacted topic {@value OffsetsTopic#NAME} (record layout in {@link OffsetRecords}),
 * where the last record of a key wins and a tombstone deletes it.
 *
 * <p>Life cycle ({@link InternalTopic}): {@link #start()} creates the topic if it does not exist yet (with
 * {@code offsets.topic.num.partitions} partitions, compacted), then scans every local partition of it to
 * rebuild the map, on a thread of its own. Until that is done the store is not {@link #isActive() active}
 * and must not be read or written; callers answer "loading" meanwhile.
 *
 * <p>Transactional commits (Kafka's TxnOffsetCommit) are appended as transactional batches of their
 * producer and stay <em>pending</em> — invisible to reads — until the transaction coordinator writes the
 * transaction's marker to the group's offsets partition and calls {@link #completeTransaction}: a commit
 * marker makes them committed offsets, an abort drops them. A plain commit or a deletion of the same
 * partition made meanwhile is newer in the log than the pending one, so it wins: the pending one is dropped
 * (Kafka keeps whichever record is later in the log; the loader replays the same rule).
 *
 * <p>Invariant: the map holds exactly what a load of the topic would give. Each write appends its records
 * and then updates the map under the lock of its offsets partition, so the log order and the map order of
 * two writes of the same group never differ.
 *
 * <p>Thread-safety: all public methods may be called from any thread. Reads take no lock.
 */
public final class OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetStore.class);

    private final InternalTopic topic;
    private final Map<String, Map<PartitionId, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    /** Transactional commits not decided yet: producer id to group to offsets. */
    private final Map<Long, Map<String, Map<PartitionId, CommittedOffset>>> pending = new ConcurrentHashMap<>();

    /**
     * @param configuredPartitions {@code offsets.topic.num.partitions}, used only if the topic must be created
     * @param replicationFactor    {@code offsets.topic.replication.factor}, likewise
     */
    public OffsetStore(TopicManager topics, int configuredPartitions, short replicationFactor) {
        this.topic = new InternalTopic(topics, OffsetsTopic.NAME, configuredPartitions, replicationFactor,
            OffsetsTopic.configs());
    }

    public InternalTopic.State state() { return topic.state(); }

    public boolean isActive() { return topic.isActive(); }

    /** Whether {@value OffsetsTopic#NAME} exists already, so that a start only loads. */
    public boolean topicExists() { return topic.exists(); }

    /** Starts the store unless it is started or starting; see {@link InternalTopic#start}. */
    public InternalTopic.Starting start() {
        return topic.start(new InternalTopic.Loader() {
            @Override
            public void load(InternalTopic t) {
                long begin = System.nanoTime();
                OffsetLoader loader = new OffsetLoader(offsets, pending);
                // Under the partition's lock: a transaction completing meanwhile then either finds its marker
                // replayed or its pending commits in place (see completeTransaction).
                t.forEachLocalPartition(partition -> {
                    synchronized (t.lock(partition.id().partition())) {
                        loader.load(partition);
                    }
                });
                LOG.info("Loaded {} committed offset(s) of {} group(s) from {} in {} ms ({} record(s) read)",
                    loader.keptOffsets(), offsets.size(), OffsetsTopic.NAME, (System.nanoTime() - begin) / 1_000_000,
                    loader.records());
            }

            @Override
            public void reset() {
                offsets.clear();
                pending.clear();
            }
        });
    }

    /** The partition of the offsets topic that holds {@code group}; only once the topic exists. */
    public int partitionFor(String group) { return topic.partitionFor(group); }

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

    /** Whether an undecided transaction has committed an offset for {@code partition} in {@code group}. */
    public boolean hasPendingTransactionalOffset(String group, PartitionId partition) {
        for (Map<String, Map<PartitionId, CommittedOffset>> byGroup : pending.values()) {
            Map<PartitionId, CommittedOffset> g = byGroup.get(group);
            if (g != null && g.containsKey(partition)) return true;
        }
        return false;
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
        ByteBuffer records = offsetBatch(RecordBatchBuilder.newBatch(Compression.NONE), group, commits);
        Partition log = topic.localPartition(p);
        synchronized (topic.lock(p)) {
            log.appendAsLeader(records);
            offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(commits);
            dropPending(group, commits.keySet());
        }
    }

    /** Forgets pending transactional commits of {@code partitions} in {@code group}: a later record won. Under the lock. */
    private void dropPending(String group, Collection<PartitionId> partitions) {
        pending.values().removeIf(byGroup -> {
            Map<PartitionId, CommittedOffset> g = byGroup.get(group);
            if (g == null) return false;
            partitions.forEach(g::remove);
            if (g.isEmpty()) byGroup.remove(group);
            return byGroup.isEmpty();
        });
    }

    /**
     * Stores {@code commits} of producer {@code producerId}'s open transaction as a transactional batch; they
     * stay pending until {@link #completeTransaction}. Throws as {@link #commit}.
     */
    public void commitTransactional(String group, long producerId, short producerEpoch,
                                    Map<PartitionId, CommittedOffset> commits) {
        if (commits.isEmpty()) return;
        int p = requireActive(group);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE)
            .producer(producerId, producerEpoch, RecordBatch.NO_SEQUENCE)
            .transactional(true);
        ByteBuffer records = offsetBatch(builder, group, commits);
        Partition log = topic.localPartition(p);
        synchronized (topic.lock(p)) {
            log.appendAsLeader(records);
            pending.computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(commits);
        }
    }

    private static ByteBuffer offsetBatch(RecordBatchBuilder batch, String group, Map<PartitionId, CommittedOffset> commits) {
        long now = System.currentTimeMillis();
        commits.forEach((partition, offset) ->
            batch.append(now, OffsetRecords.offsetKey(group, partition), OffsetRecords.offsetValue(offset)));
        return batch.build();
    }

    /**
     * Called once the marker of producer {@code producerId}'s transaction is in offsets partition
     * {@code offsetsPartition}: its pending commits of the groups in that partition become committed offsets
     * ({@code commit}) or are dropped.
     */
    public void completeTransaction(long producerId, int offsetsPartition, boolean commit) {
        if (!topic.isActive() && topic.state() != InternalTopic.State.LOADING) return;
        synchronized (topic.lock(offsetsPartition)) {
            Map<String, Map<PartitionId, CommittedOffset>> byGroup = pending.get(producerId);
            if (byGroup == null) return;
            byGroup.entrySet().removeIf(e -> {
                if (topic.partitionFor(e.getKey()) != offsetsPartition) return false;
                if (commit) offsets.computeIfAbsent(e.getKey(), g -> new ConcurrentHashMap<>()).putAll(e.getValue());
                return true;
            });
            if (byGroup.isEmpty()) pending.remove(producerId, byGroup);
        }
    }

    /**
     * Deletes the committed offsets of {@code partitions} in {@code group} (tombstones for those that exist);
     * returns how many were deleted.
     */
    public int deleteOffsets(String group, Collection<PartitionId> partitions) {
        int p = requireActive(group);
        synchronized (topic.lock(p)) {
            Map<PartitionId, CommittedOffset> g = offsets.get(group);
            if (g == null) return 0;
            List<PartitionId> present = partitions.stream().distinct().filter(g::containsKey).toList();
            if (present.isEmpty()) return 0;
            writeTombstones(p, group, present);
            present.forEach(g::remove);
            dropPending(group, present);
            if (g.isEmpty()) offsets.remove(group);
            return present.size();
        }
    }

    /** Deletes every committed offset of {@code group} (tombstones); returns how many were deleted. */
    public int deleteGroup(String group) {
        int p = requireActive(group);
        synchronized (topic.lock(p)) {
            Map<PartitionId, CommittedOffset> g = offsets.get(group);
            if (g == null || g.isEmpty()) {
                offsets.remove(group);
                return 0;
            }
            List<PartitionId> all = List.copyOf(g.keySet());
            writeTombstones(p, group, all);
            offsets.remove(group);
            pending.values().removeIf(byGroup -> byGroup.remove(group) != null && byGroup.isEmpty());
            return all.size();
        }
    }

    private void writeTombstones(int p, String group, List<PartitionId> partitions) {
        RecordBatchBuilder batch = RecordBatchBuilder.newBatch(Compression.NONE);
        long now = System.currentTimeMillis();
        for (PartitionId partition : partitions) batch.append(now, OffsetRecords.offsetKey(group, partition), null);
        topic.localPartition(p).appendAsLeader(batch.build());
    }

    private int requireActive(String group) {
        if (!topic.isActive()) {
            throw new IllegalStateException("The offset store is " + topic.state() + "; group " + group
                + " cannot be written yet");
        }
        return topic.partitionFor(group);
    }
}
