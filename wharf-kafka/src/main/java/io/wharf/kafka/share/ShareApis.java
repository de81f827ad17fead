package io.wharf.kafka.share;

import io.wharf.broker.share.SharePartition;
import io.wharf.broker.share.SharePartitions;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.group.GroupConfigs;
import io.wharf.kafka.group.ShareGroupView;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Kafka APIs of share groups (KIP-932, queues on a topic): ShareGroupHeartbeat,
 * ShareGroupDescribe, ShareFetch, ShareAcknowledge, and Describe-, Alter- and DeleteShareGroupOffsets. Expired record locks are
 * released by a sweep every {@value #LOCK_SWEEP_MS} ms.
 */
public final class ShareApis {
    private static final Logger LOG = LoggerFactory.getLogger(ShareApis.class);
    private static final long LOCK_SWEEP_MS = 100;

    private ShareApis() {
    }

    /**
     * @param otherGroupExists whether a classic or consumer group uses an id (a share group cannot)
     * @return the share groups, for ListGroups and DeleteGroups
     */
    public static ShareGroupView register(ApiRegistry registry, KafkaContext context, Predicate<String> otherGroupExists,
                                          GroupConfigs groupConfigs) {
        ShareGroupConfig config = context.settings().shareGroups();
        SharePartitions partitions = new SharePartitions(context.broker().logs(),
            context.broker().settings().defaultLogConfig(), group -> groupConfigs.of(group).share());
        ShareSessions sessions = new ShareSessions();
        ShareGroupCoordinator coordinator = new ShareGroupCoordinator(config, groupConfigs, context.broker().topics(), partitions,
            context.scheduler(), sessions, otherGroupExists);
        SharePartitionReader reader = new SharePartitionReader(
            new PartitionLeaders(context.broker().topics(), context.broker().settings()), partitions, groupConfigs);
        ShareGroupHandlers groups = new ShareGroupHandlers(coordinator, context.broker().topics());
        ShareOffsetHandlers offsets = new ShareOffsetHandlers(coordinator, partitions, reader, context.broker().topics());
        ShareFetchHandler fetch = new ShareFetchHandler(coordinator, sessions, reader, context.broker().topics(), groupConfigs,
            context.scheduler());
        ShareAcknowledgeHandler acknowledge = new ShareAcknowledgeHandler(coordinator, sessions, reader,
            context.broker().topics(), groupConfigs);

        registry.register(ApiKeys.SHARE_GROUP_HEARTBEAT, 1, groups::heartbeat);
        registry.register(ApiKeys.SHARE_GROUP_DESCRIBE, 1, groups::describe);
        registry.register(ApiKeys.SHARE_FETCH, 1, fetch::handle);
        registry.register(ApiKeys.SHARE_ACKNOWLEDGE, 1, acknowledge::handle);
        registry.register(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, 0, offsets::describe);
        registry.register(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, 0, offsets::alter);
        registry.register(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, 0, offsets::delete);

        context.scheduler().scheduleWithFixedDelay(() -> {
            try {
                long now = System.currentTimeMillis();
                for (SharePartition p : partitions.all()) p.expireLocks(now);
            } catch (RuntimeException e) {
                LOG.warn("Releasing expired share record locks failed; the next sweep retries", e);
            }
        }, LOCK_SWEEP_MS, LOCK_SWEEP_MS, TimeUnit.MILLISECONDS);
        context.broker().topics().onTopicDeleted(topic -> context.scheduler().execute(() -> partitions.deleteTopic(topic)));

        return new ShareGroupView() {
            @Override
            public Map<String, String> list() { return coordinator.list(); }

            @Override
            public Errors delete(String groupId) { return coordinator.delete(groupId); }
        };
    }
}
