package io.wharf.kafka.group;

import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.topic.InternalTopic;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups this coordinator knows — every group with members or committed offsets — and whether it can
 * serve them yet. It serves nothing until the {@link OffsetStore} has loaded {@code __consumer_offsets} and
 * a group object exists for every group found there (as Empty: membership does not survive a restart,
 * members simply rejoin).
 *
 * <p>Thread-safety: the map is concurrent; each {@link ClassicGroup} is guarded by its own monitor. A group
 * is removed from the map only while its monitor is held and after it turned Dead, so a caller that finds a
 * Dead group after locking it knows it lost a race with a deletion.
 */
final class GroupRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(GroupRegistry.class);

    private final OffsetStore store;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    /** Groups of the KIP-848 protocol; an id is in this map or in {@link #groups}, never in both. */
    private final Map<String, ConsumerGroup> consumerGroups = new ConcurrentHashMap<>();
    private volatile boolean ready;

    GroupRegistry(OffsetStore store) {
        this.store = store;
    }

    OffsetStore store() { return store; }

    /**
     * Starts the offset store (creating {@code __consumer_offsets} if needed) unless it is started; the groups
     * become available once it has loaded.
     */
    InternalTopic.Starting start() {
        InternalTopic.Starting starting = store.start();
        if (!ready) starting.loaded().thenRun(this::onLoaded);
        return starting;
    }

    private synchronized void onLoaded() {
        if (ready) return;
        for (String groupId : store.groups()) groups.putIfAbsent(groupId, new ClassicGroup(groupId, -1));
        ready = true;
        LOG.info("Group coordinator ready with {} group(s) known from committed offsets", groups.size());
    }

    /**
     * NONE when groups can be served; otherwise the error a group request gets meanwhile:
     * COORDINATOR_LOAD_IN_PROGRESS while the offsets load, COORDINATOR_NOT_AVAILABLE before the offsets
     * topic exists (asking starts it).
     */
    Errors availability() {
        if (ready) return Errors.NONE;
        InternalTopic.State state = store.state();
        if (state == InternalTopic.State.NOT_STARTED) start();
        return state == InternalTopic.State.LOADING || state == InternalTopic.State.ACTIVE
            ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.COORDINATOR_NOT_AVAILABLE;
    }

    ClassicGroup get(String groupId) { return groups.get(groupId); }

    /** Whether a classic or consumer group (one that is not Dead) holds {@code groupId}. */
    boolean inUse(String groupId) {
        ClassicGroup classic = groups.get(groupId);
        if (classic != null) {
            synchronized (classic) {
                if (!classic.is(GroupState.DEAD)) return true;
            }
        }
        ConsumerGroup consumer = consumerGroups.get(groupId);
        if (consumer != null) {
            synchronized (consumer) {
                return !consumer.isDead();
            }
        }
        return false;
    }

    /**
     * The classic group {@code groupId}, created if needed; an empty consumer group of that id becomes a
     * classic one (Kafka's offline migration: its committed offsets stay). Null when a consumer group with
     * members holds the id.
     */
    synchronized ClassicGroup getOrCreate(String groupId) {
        ClassicGroup existing = groups.get(groupId);
        if (existing != null) return existing;
        ConsumerGroup other = consumerGroups.get(groupId);
        if (other != null) {
            synchronized (other) {
                if (!other.isDead() && !other.isEmpty()) return null;
                retire(other);
            }
        }
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, System.currentTimeMillis()));
    }

    ConsumerGroup consumerGroup(String groupId) { return consumerGroups.get(groupId); }

    /**
     * The consumer group {@code groupId}, created if needed; an empty classic group of that id becomes a
     * consumer group (offline migration), its epoch starting above the classic generation so that a
     * member of the old group cannot pass for one of the new. Null when a classic group with members
     * holds the id.
     */
    synchronized ConsumerGroup getOrCreateConsumerGroup(String groupId) {
        ConsumerGroup existing = consumerGroups.get(groupId);
        if (existing != null) return existing;
        int epoch = 0;
        ClassicGroup other = groups.get(groupId);
        if (other != null) {
            synchronized (other) {
                if (!other.is(GroupState.DEAD) && !other.is(GroupState.EMPTY)) return null;
                epoch = other.generationId();
                if (!other.is(GroupState.DEAD)) {
                    other.transitionTo(GroupState.DEAD);
                    remove(other);
                }
            }
        }
        ConsumerGroup created = new ConsumerGroup(groupId, epoch, System.currentTimeMillis());
        consumerGroups.put(groupId, created);
        return created;
    }

    /**
     * Replaces the classic group {@code from} (which the caller has turned Dead, holding its monitor and this
     * registry's) with the consumer group {@code to}: the online upgrade of KIP-848.
     */
    void replace(ClassicGroup from, ConsumerGroup to) {
        if (!Thread.holdsLock(this)) throw new IllegalStateException("Replacing a group needs the registry's lock");
        remove(from);
        consumerGroups.put(to.groupId, to);
    }

    /** The reverse of {@link #replace(ClassicGroup, ConsumerGroup)}: the online downgrade; {@code from} is marked Dead. */
    void replace(ConsumerGroup from, ClassicGroup to) {
        if (!Thread.holdsLock(this)) throw new IllegalStateException("Replacing a group needs the registry's lock");
        from.markDead();
        consumerGroups.remove(from.groupId, from);
        groups.put(to.groupId, to);
    }

    /** Removes a consumer group that has no members; the caller holds its monitor. */
    void retire(ConsumerGroup group) {
        if (!group.isEmpty()) throw new IllegalStateException("Removing live group " + group);
        group.markDead();
        consumerGroups.remove(group.groupId, group);
    }

    Collection<ConsumerGroup> allConsumerGroups() { return List.copyOf(consumerGroups.values()); }

    boolean isReady() { return ready; }

    /** Removes a group that the caller has turned Dead while holding its monitor. */
    void remove(ClassicGroup group) {
        if (!group.is(GroupState.DEAD)) throw new IllegalStateException("Removing live group " + group);
        groups.remove(group.groupId, group);
    }

    Collection<ClassicGroup> all() { return List.copyOf(groups.values()); }
}
