package io.wharf.kafka.group;

import io.wharf.broker.group.CommittedOffset;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's periodic group clean-up, every {@code offsets.retention.check.interval.ms}: committed offsets
 * expire after {@code offsets.retention.minutes} (KIP-211), and a group left with no members and no
 * offsets is removed.
 *
 * <ul>
 *   <li>A group that has been Empty for the retention period loses all its offsets at once.</li>
 *   <li>An Empty group that became empty before this broker started (known only from its offsets) loses
 *       each offset the retention period after it was committed.</li>
 *   <li>A Stable consumer group loses, by commit time, only the offsets of topics no member subscribes to
 *       (a KIP-848 consumer group with members likewise).</li>
 * </ul>
 *
 * Expired offsets get tombstones in {@code __consumer_offsets}, like deleted ones. The offsets of a deleted
 * topic are removed as soon as it is deleted ({@link #removeOffsetsOf}), and by the next pass if the topic
 * went while this broker was down or the offsets were not loaded yet — as Kafka does.
 *
 * <p>Threading: runs on the broker's scheduler and takes one group's monitor at a time.
 */
final class GroupCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCleaner.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final TopicManager topics;

    GroupCleaner(GroupRegistry registry, GroupConfig config, TopicManager topics) {
        this.registry = registry;
        this.config = config;
        this.topics = topics;
    }

    /** Removes every group's committed offsets of {@code topic}, which was deleted; returns how many. */
    int removeOffsetsOf(String topic) {
        if (!registry.isReady()) return 0;
        int removed = 0;
        for (ClassicGroup group : registry.all()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) continue;
                removed += removeOffsetsOf(group.groupId, topic);
            }
        }
        for (ConsumerGroup group : registry.allConsumerGroups()) {
            synchronized (group) {
                if (!group.isDead()) removed += removeOffsetsOf(group.groupId, topic);
            }
        }
        if (removed > 0) LOG.info("Removed {} committed offset(s) of deleted topic {}", removed, topic);
        return removed;
    }

    private int removeOffsetsOf(String groupId, String topic) {
        List<PartitionId> gone = registry.store().offsets(groupId).keySet().stream()
            .filter(p -> p.topic().equals(topic)).toList();
        return gone.isEmpty() ? 0 : registry.store().deleteOffsets(groupId, gone);
    }

    void schedule(ScheduledExecutorService scheduler) {
        long interval = config.retentionCheckIntervalMs();
        scheduler.scheduleWithFixedDelay(this::runQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            clean(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("Cleaning up consumer groups failed; will try again in {} ms", config.retentionCheckIntervalMs(), e);
        }
    }

    /** One clean-up pass as of {@code nowMs}; returns how many offsets expired. */
    int clean(long nowMs) {
        if (!registry.isReady()) return 0;
        int expired = 0;
        int removed = 0;
        for (ClassicGroup group : registry.all()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) continue;
                boolean subscriptionsKnown = group.is(GroupState.STABLE)
                    && ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType());
                List<PartitionId> expiring = expiring(group.groupId, group.is(GroupState.EMPTY), group.emptySinceMs(),
                    subscriptionsKnown ? group::isSubscribedToTopic : null, nowMs);
                if (!expiring.isEmpty()) expired += registry.store().deleteOffsets(group.groupId, expiring);
                if (group.is(GroupState.EMPTY) && !registry.store().hasOffsets(group.groupId)) {
                    group.transitionTo(GroupState.DEAD);
                    registry.remove(group);
                    removed++;
                }
            }
        }
        for (ConsumerGroup group : registry.allConsumerGroups()) {
            synchronized (group) {
                if (group.isDead()) continue;
                List<PartitionId> expiring = expiring(group.groupId, group.isEmpty(), group.emptySinceMs(),
                    group::isSubscribedTo, nowMs);
                if (!expiring.isEmpty()) expired += registry.store().deleteOffsets(group.groupId, expiring);
                if (group.isEmpty() && !registry.store().hasOffsets(group.groupId)) {
                    registry.retire(group);
                    removed++;
                }
            }
        }
        if (expired > 0 || removed > 0) {
            LOG.info("Group clean-up: {} committed offset(s) expired, {} empty group(s) removed", expired, removed);
        }
        return expired;
    }

    /**
     * The offsets of a group that expire now.
     *
     * @param subscribed whether a member subscribes to a topic, for a group with members whose subscriptions
     *                   are known; null when they are not (no offsets of a group with members expire then)
     */
    private List<PartitionId> expiring(String groupId, boolean empty, long emptySince, Predicate<String> subscribed,
                                       long nowMs) {
        long retention = config.offsetsRetentionMs();
        Map<PartitionId, CommittedOffset> offsets = registry.store().offsets(groupId);
        Set<PartitionId> expiring = new LinkedHashSet<>();
        for (PartitionId p : offsets.keySet()) {
            if (topics.topic(p.topic()).isEmpty()) expiring.add(p); // deleted while the offsets were not loaded
        }
        if (empty) {
            if (emptySince >= 0) {
                if (nowMs - emptySince >= retention) expiring.addAll(offsets.keySet());
            } else {
                offsets.forEach((p, o) -> {
                    if (nowMs - o.commitTimestamp() >= retention) expiring.add(p);
                });
            }
        } else if (subscribed != null) {
            offsets.forEach((p, o) -> {
                if (nowMs - o.commitTimestamp() >= retention && !subscribed.test(p.topic())) expiring.add(p);
            });
        }
        return List.copyOf(expiring);
    }
}
