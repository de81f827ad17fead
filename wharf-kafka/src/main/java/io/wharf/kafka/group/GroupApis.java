package io.wharf.kafka.group;

import io.wharf.broker.group.OffsetStore;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.share.ShareApis;
import io.wharf.kafka.txn.TransactionVerifier;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Kafka APIs of the {@code group} feature: the classic consumer group protocol, the consumer
 * group protocol of KIP-848, share groups ({@link ShareApis}) and committed offsets. This broker is the coordinator of every group. If {@code __consumer_offsets} exists already its
 * offsets start loading now, in the background; otherwise the first group request creates it. Expired
 * offsets and empty groups are cleaned up periodically ({@link GroupCleaner}).
 */
public final class GroupApis {
    private static final Logger LOG = LoggerFactory.getLogger(GroupApis.class);
    /** OffsetCommit and OffsetFetch v10 name topics by id and are still unstable in Kafka. */
    private static final int OFFSET_COMMIT_MAX = 9;
    private static final int OFFSET_FETCH_MAX = 9;
    /** v5 is transaction protocol 2: the group's offsets partition joins the transaction implicitly. */
    private static final int TXN_OFFSET_COMMIT_MAX = 5;

    private GroupApis() {
    }

    /**
     * @param store        the committed offsets (shared with the transaction coordinator, whose markers settle
     *                     transactional offset commits)
     * @param transactions checks TxnOffsetCommit against the producer's transaction
     * @param transactionCoordinatorReady starts the transaction coordinator; completes once its topic exists
     *                     (FindCoordinator for a transactional id)
     * @param groupConfigs the per-group configs that override the broker's group settings
     */
    public static void register(ApiRegistry registry, KafkaContext context, OffsetStore store,
                                TransactionVerifier transactions,
                                Supplier<CompletableFuture<Void>> transactionCoordinatorReady, GroupConfigs groupConfigs) {
        GroupRegistry groups = new GroupRegistry(store);
        GroupConfig config = GroupConfig.from(context.settings());
        MembershipCoordinator membership = new MembershipCoordinator(groups, config, context.scheduler());
        MembershipHandlers members = new MembershipHandlers(membership, new MemberRequests(groups, membership));
        ShareGroupView shareGroups = ShareApis.register(registry, context, groups::inUse, groupConfigs);
        GroupAdminHandlers admin = new GroupAdminHandlers(new GroupAdmin(groups, shareGroups));
        GroupMigration migration = new GroupMigration(groups, membership, context.settings().consumerGroups());
        ConsumerGroupCoordinator consumerCoordinator = new ConsumerGroupCoordinator(groups,
            context.settings().consumerGroups(), groupConfigs, context.broker().topics(), context.scheduler(), migration);
        membership.serveClassicMembersWith(new ClassicMembersCoordinator(consumerCoordinator));
        ConsumerGroupHandlers consumerGroups = new ConsumerGroupHandlers(consumerCoordinator, context.broker().topics());
        OffsetHandlers offsets = new OffsetHandlers(new OffsetCoordinator(groups, context.broker().topics(), config, transactions));

        registry.register(ApiKeys.FIND_COORDINATOR, 0, new FindCoordinatorHandler(context, () -> groups.start().topicReady(),
            transactionCoordinatorReady));
        registry.register(ApiKeys.JOIN_GROUP, 0, members::joinGroup);
        registry.register(ApiKeys.SYNC_GROUP, 0, members::syncGroup);
        registry.register(ApiKeys.HEARTBEAT, 0, members::heartbeat);
        registry.register(ApiKeys.LEAVE_GROUP, 0, members::leaveGroup);
        registry.register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, consumerGroups::heartbeat);
        registry.register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, consumerGroups::describe);
        registry.register(ApiKeys.DESCRIBE_GROUPS, 0, admin::describeGroups);
        registry.register(ApiKeys.LIST_GROUPS, 0, admin::listGroups);
        registry.register(ApiKeys.DELETE_GROUPS, 0, admin::deleteGroups);
        registry.register(ApiKeys.OFFSET_COMMIT, 0, OFFSET_COMMIT_MAX, offsets::offsetCommit);
        registry.register(ApiKeys.OFFSET_FETCH, 0, OFFSET_FETCH_MAX, offsets::offsetFetch);
        registry.register(ApiKeys.OFFSET_DELETE, 0, offsets::offsetDelete);
        registry.register(ApiKeys.TXN_OFFSET_COMMIT, 0, TXN_OFFSET_COMMIT_MAX, offsets::txnOffsetCommit);

        GroupCleaner cleaner = new GroupCleaner(groups, config, context.broker().topics());
        cleaner.schedule(context.scheduler());
        context.broker().topics().onTopicDeleted(topic -> context.scheduler().execute(() -> {
            try {
                cleaner.removeOffsetsOf(topic);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the committed offsets of deleted topic {}; the next clean-up will", topic, e);
            }
        }));
        if (store.topicExists()) groups.start();
    }
}
