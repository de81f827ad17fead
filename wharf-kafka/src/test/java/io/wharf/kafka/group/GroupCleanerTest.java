package io.wharf.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.Broker;
import io.wharf.broker.group.CommittedOffset;
import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.topic.PartitionId;
import io.wharf.kafka.BrokerCore;
import io.wharf.kafka.txn.TransactionVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offset expiry and empty-group removal (KIP-211 rules) against a real broker core — embedded ZooKeeper,
 * real logs, the real {@code __consumer_offsets} — with a one-minute retention and explicit clock values.
 */
class GroupCleanerTest {
    private static final long RETENTION_MS = 60_000;
    private static final GroupConfig CONFIG = new GroupConfig(6_000, 1_800_000, Integer.MAX_VALUE, 0, 4096, RETENTION_MS,
        600_000);
    private static final PartitionId T0 = new PartitionId("t", 0);
    private static final PartitionId T1 = new PartitionId("t", 1);
    private static final PartitionId U0 = new PartitionId("u", 0);

    @TempDir
    Path dir;

    private BrokerCore core;
    private Broker broker;
    private ScheduledExecutorService scheduler;
    private GroupRegistry registry;
    private OffsetCoordinator offsets;

    @BeforeEach
    void start() throws Exception {
        core = BrokerCore.start(dir);
        broker = core.broker();
        broker.topics().createTopic("t", 2, (short) 1, Map.of(), false);
        broker.topics().createTopic("u", 1, (short) 1, Map.of(), false);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        registry = loadedRegistry();
        offsets = new OffsetCoordinator(registry, broker.topics(), CONFIG, new TransactionVerifier() {
            @Override
            public Errors verify(String id, long pid, short epoch, PartitionId p) { return Errors.INVALID_TXN_STATE; }

            @Override
            public Errors verifyOrAdd(String id, long pid, short epoch, PartitionId p) { return Errors.INVALID_TXN_STATE; }
        });
    }

    private GroupRegistry loadedRegistry() throws Exception {
        GroupRegistry r = new GroupRegistry(new OffsetStore(broker.topics(), 3, (short) 1));
        r.start().loaded().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!r.isReady() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(r.isReady()).isTrue();
        return r;
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        core.close();
    }

    @Test
    void anEmptyGroupLosesItsOffsetsAfterTheRetentionAndThenDisappears() {
        long before = System.currentTimeMillis();
        assertThat(offsets.commit("simple", -1, "", null, List.of(new OffsetCoordinator.Commit(T0, 5, -1, ""))))
            .containsEntry(T0, Errors.NONE);
        GroupCleaner cleaner = new GroupCleaner(registry, CONFIG, broker.topics());

        assertThat(cleaner.clean(before + RETENTION_MS - 1_000)).isZero();
        assertThat(registry.get("simple")).isNotNull();
        assertThat(cleaner.clean(System.currentTimeMillis() + RETENTION_MS)).isEqualTo(1);
        assertThat(registry.get("simple")).isNull();
        assertThat(registry.store().hasOffsets("simple")).isFalse();
    }

    @Test
    void offsetsOfAGroupKnownOnlyFromTheLogExpireOneByOneByCommitTime() throws Exception {
        long now = System.currentTimeMillis();
        registry.store().commit("old", Map.of(
            T0, new CommittedOffset(1, -1, "", now - 2 * RETENTION_MS),
            T1, new CommittedOffset(2, -1, "", now)));

        // As after a restart: the group comes back from the log, with no idea when it became empty.
        GroupRegistry reloaded = loadedRegistry();
        assertThat(reloaded.get("old").emptySinceMs()).isEqualTo(-1);
        assertThat(new GroupCleaner(reloaded, CONFIG, broker.topics()).clean(now)).isEqualTo(1);
        assertThat(reloaded.store().offsets("old")).containsOnlyKeys(T1);
        assertThat(reloaded.get("old")).isNotNull();
    }

    @Test
    void aStableConsumerGroupKeepsTheOffsetsOfTopicsItSubscribesTo() throws Exception {
        MembershipCoordinator membership = new MembershipCoordinator(registry, CONFIG, scheduler);
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(
            new ConsumerPartitionAssignor.Subscription(List.of("t"))));
        JoinResult joined = membership.join(new MembershipCoordinator.JoinRequest("stable", "", null, false, false, "client",
            "/127.0.0.1", 10_000, 10_000, ConsumerProtocol.PROTOCOL_TYPE, List.of(new GroupMember.Protocol("range", subscription)),
            "test")).get(30, TimeUnit.SECONDS);
        assertThat(joined.error()).isEqualTo(Errors.NONE);
        SyncResult synced = new MemberRequests(registry, membership).sync(new MemberRequests.SyncRequest("stable",
            joined.generationId(), joined.memberId(), null, null, null, Map.of(joined.memberId(), new byte[0])))
            .get(30, TimeUnit.SECONDS);
        assertThat(synced.error()).isEqualTo(Errors.NONE);
        assertThat(offsets.commit("stable", joined.generationId(), joined.memberId(), null, List.of(
            new OffsetCoordinator.Commit(T0, 3, -1, ""), new OffsetCoordinator.Commit(U0, 4, -1, ""))))
            .containsEntry(T0, Errors.NONE).containsEntry(U0, Errors.NONE);

        assertThat(new GroupCleaner(registry, CONFIG, broker.topics()).clean(System.currentTimeMillis() + RETENTION_MS)).isEqualTo(1);
        assertThat(registry.store().offsets("stable")).containsOnlyKeys(T0);
        assertThat(registry.get("stable").state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void theOffsetsOfADeletedTopicAreRemovedAndOthersKept() {
        long now = System.currentTimeMillis();
        assertThat(offsets.commit("g", -1, "", null, List.of(new OffsetCoordinator.Commit(T0, 5, -1, ""),
            new OffsetCoordinator.Commit(U0, 7, -1, "")))).containsEntry(T0, Errors.NONE).containsEntry(U0, Errors.NONE);
        GroupCleaner cleaner = new GroupCleaner(registry, CONFIG, broker.topics());

        broker.topics().deleteTopic("u");
        assertThat(cleaner.removeOffsetsOf("u")).isEqualTo(1);
        assertThat(registry.store().offsets("g")).containsOnlyKeys(T0);
        assertThat(cleaner.removeOffsetsOf("u")).isZero();

        // Deleted while the offsets were not watched (a restart): the next pass removes them.
        registry.store().commit("g", Map.of(new PartitionId("gone", 0), new CommittedOffset(1, -1, "", now)));
        assertThat(cleaner.clean(now)).isEqualTo(1);
        assertThat(registry.store().offsets("g")).containsOnlyKeys(T0);
    }
}
