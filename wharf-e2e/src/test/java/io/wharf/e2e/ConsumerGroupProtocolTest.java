package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.ownedExactlyOnce;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consumer group protocol of KIP-848 with the real {@code KafkaConsumer} ({@code group.protocol=consumer}):
 * the broker assigns (uniform and range), rebalances move only the partitions that must move, regex
 * subscriptions follow new topics, dead members are fenced by the session timeout, a group moves between the
 * classic and the new protocol when empty and while it has members (online migration), and Kafka's admin
 * client and kafka-consumer-groups see both kinds.
 */
class ConsumerGroupProtocolTest {
    private static final String TOPIC = "events";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest(
        "offsets.topic.num.partitions", "3",
        "group.consumer.heartbeat.interval.ms", "500", "group.consumer.session.timeout.ms", "6000");

    private final List<GroupTestSupport.Member> members = new ArrayList<>();

    @BeforeEach
    void start() {
        GroupTestSupport.createTopic(broker.get(), TOPIC, 6);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GroupTestSupport.Member m : members) m.close();
    }

    /** A consumer of the new protocol; it must not set the classic protocol's timeouts or assignors. */
    private KafkaConsumer<String, String> consumer(String group, String... overrides) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        for (int i = 0; i + 1 < overrides.length; i += 2) p.put(overrides[i], overrides[i + 1]);
        return new KafkaConsumer<>(p);
    }

    private GroupTestSupport.Member member(String name, String group, String... overrides) {
        List<String> all = new ArrayList<>(List.of(overrides));
        all.addAll(List.of(ConsumerConfig.CLIENT_ID_CONFIG, name));
        GroupTestSupport.Member m = new GroupTestSupport.Member(name, consumer(group, all.toArray(String[]::new)), List.of(TOPIC));
        members.add(m);
        return m;
    }

    @Test
    void aConsumerGetsEveryPartitionCommitsAndTheAdminClientDescribesTheGroup() throws Exception {
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 5);
        try (KafkaConsumer<String, String> consumer = consumer("solo", ConsumerConfig.CLIENT_ID_CONFIG, "solo-client");
             Admin admin = GroupTestSupport.admin(broker.get())) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            waitUntil("30 records arrive", () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= 30;
            }, got::size);
            assertThat(got).hasSize(30);
            assertThat(consumer.assignment()).isEqualTo(GroupTestSupport.partitions(TOPIC, 6));
            assertThat(consumer.groupMetadata().generationId()).as("member epoch").isPositive();
            consumer.commitSync();

            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("solo")).all().get().get("solo");
            assertThat(d.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.partitionAssignor()).isEqualTo("uniform");
            assertThat(d.members()).hasSize(1);
            MemberDescription m = d.members().iterator().next();
            assertThat(m.clientId()).isEqualTo("solo-client");
            assertThat(m.consumerId()).isEqualTo(consumer.groupMetadata().memberId());
            assertThat(m.assignment().topicPartitions()).isEqualTo(GroupTestSupport.partitions(TOPIC, 6));
            assertThat(m.targetAssignment()).isPresent();
            assertThat(m.targetAssignment().get().topicPartitions()).isEqualTo(GroupTestSupport.partitions(TOPIC, 6));

            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("solo")
                .partitionsToOffsetAndMetadata().get();
            assertThat(committed).hasSize(6);
            committed.values().forEach(o -> assertThat(o.offset()).isEqualTo(5));
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId, g -> g.type().orElseThrow())
                .contains(org.assertj.core.groups.Tuple.tuple("solo", GroupType.CONSUMER));
        }
    }

    @Test
    void membersJoiningAndLeavingMoveOnlyThePartitionsThatMustMove() throws Exception {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 6);
        GroupTestSupport.Member m1 = member("m1", "incremental");
        waitUntil("m1 owns all six", () -> m1.assignment().equals(all), m1::toString);
        Set<TopicPartition> m1Before = m1.assignment();

        GroupTestSupport.Member m2 = member("m2", "incremental");
        waitUntil("m1 and m2 share the partitions 3 and 3", () -> ownedExactlyOnce(List.of(m1, m2), all)
            && m1.assignment().size() == 3, () -> List.of(m1, m2));
        assertThat(m1Before).containsAll(m1.assignment());
        assertThat(m1.revoked.get()).as("m1 gave up only the three that moved").isEqualTo(3);

        GroupTestSupport.Member m3 = member("m3", "incremental");
        waitUntil("three members own two each", () -> ownedExactlyOnce(List.of(m1, m2, m3), all)
            && m1.assignment().size() == 2 && m2.assignment().size() == 2, () -> List.of(m1, m2, m3));
        assertThat(m1.revoked.get() + m2.revoked.get()).as("three moved to m2 before, now one from each to m3").isEqualTo(5);

        Set<TopicPartition> m3Before = m3.assignment();
        Set<TopicPartition> m1Kept = m1.assignment();
        m2.leave();
        waitUntil("m1 and m3 own three each", () -> ownedExactlyOnce(List.of(m1, m3), all)
            && m1.assignment().size() == 3, () -> List.of(m1, m3));
        assertThat(m1.assignment()).containsAll(m1Kept);
        assertThat(m3.assignment()).containsAll(m3Before);
        for (GroupTestSupport.Member m : List.of(m1, m3)) assertThat(m.failure()).as(m.name).isNull();
    }

    @Test
    void everyRecordIsConsumedOnceWhileTheGroupRebalances() throws Exception {
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 50);
        GroupTestSupport.Member m1 = member("m1", "counted");
        m1.commitEachPoll = true;
        waitUntil("m1 has consumed some", () -> !m1.records.isEmpty(), m1::toString);
        GroupTestSupport.Member m2 = member("m2", "counted");
        m2.commitEachPoll = true;
        waitUntil("all 300 records consumed", () -> m1.records.size() + m2.records.size() >= 300,
            () -> m1.records.size() + "+" + m2.records.size());
        waitUntil("m1 and m2 share the partitions", () -> ownedExactlyOnce(List.of(m1, m2),
            GroupTestSupport.partitions(TOPIC, 6)) && m2.assignment().size() == 3, () -> List.of(m1, m2));
        List<String> values = new ArrayList<>();
        for (GroupTestSupport.Member m : List.of(m1, m2)) m.records.forEach(r -> values.add(r.value()));
        assertThat(values).as("each record exactly once, though partitions moved mid-stream").hasSize(300)
            .doesNotHaveDuplicates();
    }

    @Test
    void theRangeAssignorCoPartitionsTopicsWithTheSameCount() throws Exception {
        GroupTestSupport.createTopic(broker.get(), "left", 4);
        GroupTestSupport.createTopic(broker.get(), "right", 4);
        List<GroupTestSupport.Member> two = new ArrayList<>();
        for (String name : List.of("r1", "r2")) {
            GroupTestSupport.Member m = new GroupTestSupport.Member(name, consumer("ranged",
                ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range"), List.of("left", "right"));
            members.add(m);
            two.add(m);
        }
        Set<TopicPartition> all = new HashSet<>(GroupTestSupport.partitions("left", 4));
        all.addAll(GroupTestSupport.partitions("right", 4));
        waitUntil("both members own four", () -> ownedExactlyOnce(two, all) && two.get(0).assignment().size() == 4,
            two::toString);
        for (GroupTestSupport.Member m : two) {
            Set<Integer> left = new TreeSet<>();
            Set<Integer> right = new TreeSet<>();
            m.assignment().forEach(tp -> (tp.topic().equals("left") ? left : right).add(tp.partition()));
            assertThat(left).as(m.name + " gets the same partition numbers of both topics").isEqualTo(right).hasSize(2);
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(admin.describeConsumerGroups(List.of("ranged")).all().get().get("ranged").partitionAssignor())
                .isEqualTo("range");
        }
    }

    @Test
    void aRegexSubscriptionFollowsTopicsCreatedLater() throws Exception {
        GroupTestSupport.createTopic(broker.get(), "metrics-cpu", 2);
        GroupTestSupport.Member m = new GroupTestSupport.Member("regex", consumer("by-pattern"),
            new SubscriptionPattern("metrics-.*"));
        members.add(m);
        waitUntil("the matching topic is assigned", () -> m.assignment().equals(GroupTestSupport.partitions("metrics-cpu", 2)),
            m::toString);
        GroupTestSupport.createTopic(broker.get(), "metrics-disk", 1);
        Set<TopicPartition> both = new HashSet<>(GroupTestSupport.partitions("metrics-cpu", 2));
        both.add(new TopicPartition("metrics-disk", 0));
        waitUntil("the new matching topic is assigned too", () -> m.assignment().equals(both), m::toString);
        GroupTestSupport.produce(broker.get(), "metrics-disk", 1, 3);
        waitUntil("its records arrive", () -> m.records.stream().filter(r -> r.topic().equals("metrics-disk")).count() == 3,
            () -> m.records.size());
        assertThat(m.assignment()).as("events does not match").noneMatch(tp -> tp.topic().equals(TOPIC));
    }

    @Test
    void aGroupMovesToTheClassicProtocolAndBackWhenEmptyKeepingItsOffsets() throws Exception {
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 10);
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> modern = consumer("migrating")) {
            modern.subscribe(List.of(TOPIC));
            waitUntil("assigned", () -> {
                modern.poll(Duration.ofMillis(100));
                return modern.assignment().size() == 6;
            }, modern::assignment);
            modern.commitSync(Map.of(p0, new OffsetAndMetadata(4)));
        }
        try (KafkaConsumer<String, String> classic = GroupTestSupport.consumer(broker.get(), "migrating")) {
            classic.subscribe(List.of(TOPIC));
            waitUntil("assigned", () -> {
                classic.poll(Duration.ofMillis(100));
                return classic.assignment().size() == 6;
            }, classic::assignment);
            assertThat(classic.committed(Set.of(p0)).get(p0).offset())
                .as("the classic member sees what the consumer member committed").isEqualTo(4);
            classic.commitSync(Map.of(p0, new OffsetAndMetadata(7)));
        }
        try (KafkaConsumer<String, String> modern = consumer("migrating")) {
            modern.subscribe(List.of(TOPIC));
            waitUntil("assigned", () -> {
                modern.poll(Duration.ofMillis(100));
                return modern.assignment().size() == 6;
            }, modern::assignment);
            assertThat(modern.committed(Set.of(p0)).get(p0).offset()).isEqualTo(7);
        }
    }

    /** With an eager (range) and an incremental (cooperative-sticky) classic consumer. */
    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void aClassicGroupWithMembersMovesToTheNewProtocolAndBackOnline(Class<?> classicAssignor) throws Exception {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 6);
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 20);
        GroupTestSupport.Member classic = new GroupTestSupport.Member("classic", GroupTestSupport.consumer(broker.get(), "online",
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, classicAssignor.getName()), List.of(TOPIC));
        classic.commitEachPoll = true;
        members.add(classic);
        waitUntil("the classic member owns all", () -> classic.assignment().equals(all), classic::toString);

        // A member of the new protocol joins: the group becomes a consumer group with the classic member in it,
        // and the two share the partitions, each owned once.
        GroupTestSupport.Member modern = member("modern", "online");
        modern.commitEachPoll = true;
        waitUntil("the classic and the modern member share the partitions 3 and 3", () -> ownedExactlyOnce(List.of(classic, modern), all)
            && modern.assignment().size() == 3, () -> List.of(classic, modern));
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("online")).all().get().get("online");
            assertThat(d.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(d.members()).hasSize(2);
        }
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 20);
        waitUntil("all 240 records consumed", () -> classic.records.size() + modern.records.size() >= 240,
            () -> classic.records.size() + modern.records.size());

        // The modern member leaves: the group is a classic group again, and the classic member gets everything
        // back through a classic rebalance.
        modern.leave();
        waitUntil("the classic member owns all again", () -> classic.assignment().equals(all), classic::toString);
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            waitUntil("a classic group again", () -> {
                try {
                    return admin.describeConsumerGroups(List.of("online")).all().get().get("online").type() == GroupType.CLASSIC;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "still a consumer group");
        }
        GroupTestSupport.produce(broker.get(), TOPIC, 6, 5);
        waitUntil("the new records consumed", () -> classic.records.size() + modern.records.size() >= 270,
            () -> classic.records.size() + modern.records.size());
        assertThat(classic.failure()).isNull();
        assertThat(modern.failure()).isNull();
        // Committed as they went, across both moves: every record once, none twice.
        Set<String> seen = new HashSet<>();
        List<ConsumerRecord<String, String>> every = new ArrayList<>(classic.records);
        every.addAll(modern.records);
        for (ConsumerRecord<String, String> r : every) seen.add(r.partition() + "@" + r.offset());
        assertThat(seen).hasSize(270);
        assertThat(every).hasSize(270);
    }

    @Test
    void theUpgradeIsRefusedWhenTheMigrationPolicyForbidsIt(@TempDir Path own) throws Exception {
        try (WharfTestBroker strict = WharfTestBroker.start(own, "group.consumer.migration.policy",
                "disabled", "offsets.topic.num.partitions", "1")) {
            GroupTestSupport.createTopic(strict, TOPIC, 6);
            GroupTestSupport.Member classic = new GroupTestSupport.Member("classic", GroupTestSupport.consumer(strict, "taken"),
                List.of(TOPIC));
            members.add(classic);
            waitUntil("the classic member owns all", () -> classic.assignment().size() == 6, classic::toString);
            Properties p = strict.clientProperties();
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "taken");
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            try (KafkaConsumer<String, String> modern = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                modern.subscribe(List.of(TOPIC));
                assertThatThrownBy(() -> {
                    long deadline = System.nanoTime() + GroupTestSupport.WAIT.toNanos();
                    while (System.nanoTime() < deadline) modern.poll(Duration.ofMillis(100));
                }).isInstanceOf(InconsistentGroupProtocolException.class).hasMessageContaining("migration.policy");
            }
            assertThat(classic.assignment()).hasSize(6);
            classic.close();
        }
    }

    @Test
    void aMemberThatStopsHeartbeatingIsFencedAndItsPartitionsMove() throws Exception {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 6);
        GroupTestSupport.Member m1 = member("m1", "fencing");
        GroupTestSupport.Member m2 = member("m2", "fencing");
        waitUntil("shared", () -> ownedExactlyOnce(List.of(m1, m2), all) && m1.assignment().size() == 3,
            () -> List.of(m1, m2));
        m2.die();
        waitUntil("m1 owns all six after m2's session expired", () -> m1.assignment().equals(all), m1::toString);
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(admin.describeConsumerGroups(List.of("fencing")).all().get().get("fencing").members()).hasSize(1);
        }
    }

    @Test
    void badHeartbeatsGetKafkasErrors() throws Exception {
        Uuid topicId = Uuid.fromString(broker.server().broker().topics().topic(TOPIC).orElseThrow().topicId());
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            waitUntil("the coordinator has loaded", () -> {
                try {
                    short error = heartbeat(raw, join("probe", "p").setMemberEpoch(-1)).errorCode();
                    return error != Errors.COORDINATOR_NOT_AVAILABLE.code() && error != Errors.COORDINATOR_LOAD_IN_PROGRESS.code();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "coordinator not available");
            assertThat(heartbeat(raw, join("g", "a").setSubscribedTopicNames(null)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(raw, join("g", "a").setServerAssignor("sticky")).errorCode())
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
            assertThat(heartbeat(raw, join("g", "a").setSubscribedTopicNames(null).setSubscribedTopicRegex("(")).errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
            assertThat(heartbeat(raw, join("g", "a").setMemberEpoch(3)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            var joined = heartbeat(raw, join("g", "a"));
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.memberEpoch()).isPositive();
            assertThat(joined.assignment().topicPartitions()).hasSize(1);
            assertThat(joined.assignment().topicPartitions().get(0).topicId()).isEqualTo(topicId);
            assertThat(joined.assignment().topicPartitions().get(0).partitions()).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(heartbeat(raw, join("g", "a").setMemberEpoch(joined.memberEpoch() + 1).setTopicPartitions(null)
                .setRebalanceTimeoutMs(-1)).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());

            // OffsetFetch v9 from a member is checked against the group: its epoch must be the current one.
            assertThat(offsetFetch(raw, "g", "a", joined.memberEpoch())).isEqualTo(Errors.NONE.code());
            assertThat(offsetFetch(raw, "g", "a", joined.memberEpoch() - 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
            assertThat(offsetFetch(raw, "g", "nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(offsetFetch(raw, "g", null, -1)).as("an admin's fetch names no member").isEqualTo(Errors.NONE.code());

            // A static member cannot join under a second member id while its first is in the group.
            assertThat(heartbeat(raw, join("s", "x").setInstanceId("i")).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(heartbeat(raw, join("s", "y").setInstanceId("i")).errorCode())
                .isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());

            var left = heartbeat(raw, join("g", "a").setMemberEpoch(-1).setTopicPartitions(null));
            assertThat(left.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(left.memberEpoch()).isEqualTo(-1);
        }
    }

    @Test
    void classicMembersAreServedInsideTheConsumerGroupUntilItMovesBack() throws Exception {
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            awaitCoordinator(raw);
            // A classic member joins and leads; until its SyncGroup the group is rebalancing, and a member of the
            // new protocol is told to retry.
            JoinGroupRequestData join = classicJoin("mixed", "");
            String classicId = joinGroup(raw, join).memberId();
            var joined = joinGroup(raw, join.setMemberId(classicId));
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.leader()).isEqualTo(classicId);
            assertThat(heartbeat(raw, join("mixed", "modern")).errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            assertThat(syncGroup(raw, "mixed", classicId, joined.generationId(), "range",
                GroupTestSupport.partitions(TOPIC, 6))).hasSize(6);

            // Stable: the new member joins, the group becomes a consumer group, and the classic member must rejoin
            // to give up what the new one gets.
            var modern = heartbeat(raw, join("mixed", "modern"));
            assertThat(modern.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(modern.memberEpoch()).isGreaterThan(joined.generationId());
            assertThat(classicHeartbeat(raw, "mixed", classicId, joined.generationId()))
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
            var rejoined = joinGroup(raw, join);
            assertThat(rejoined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(rejoined.leader()).as("nobody assigns on the client side").isEmpty();
            assertThat(rejoined.protocolName()).isEqualTo("range");
            Set<TopicPartition> kept = syncGroup(raw, "mixed", classicId, rejoined.generationId(), "range", Set.of());
            assertThat(kept).hasSize(3);
            assertThat(syncGroup(raw, "mixed", classicId, joined.generationId(), "range", Set.of()))
                .as("a SyncGroup of the old generation gets nothing").isEmpty();
            assertThat(classicHeartbeat(raw, "mixed", classicId, rejoined.generationId())).isEqualTo(Errors.NONE.code());

            // The new member leaves: a classic group again, which makes its member rejoin and lead.
            assertThat(heartbeat(raw, join("mixed", "modern").setMemberEpoch(-1).setTopicPartitions(null)).errorCode())
                .isEqualTo(Errors.NONE.code());
            try (Admin admin = GroupTestSupport.admin(broker.get())) {
                waitUntil("a classic group again", () -> {
                    try {
                        return admin.describeConsumerGroups(List.of("mixed")).all().get().get("mixed").type() == GroupType.CLASSIC;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, () -> "still a consumer group");
            }
            assertThat(classicHeartbeat(raw, "mixed", classicId, rejoined.generationId()))
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
            var back = joinGroup(raw, join);
            assertThat(back.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(back.leader()).isEqualTo(classicId);
            assertThat(back.generationId()).isGreaterThan(rejoined.generationId());
        }
    }

    private static void awaitCoordinator(RawKafkaConnection raw) {
        waitUntil("the coordinator has loaded", () -> {
            try {
                short error = heartbeat(raw, join("probe", "p").setMemberEpoch(-1)).errorCode();
                return error != Errors.COORDINATOR_NOT_AVAILABLE.code() && error != Errors.COORDINATOR_LOAD_IN_PROGRESS.code();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "coordinator not available");
    }

    private static JoinGroupRequestData classicJoin(String group, String memberId) {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(TOPIC)));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setProtocolType("consumer")
            .setSessionTimeoutMs(30000).setRebalanceTimeoutMs(30000).setProtocols(protocols);
    }

    private static org.apache.kafka.common.message.JoinGroupResponseData joinGroup(RawKafkaConnection raw, JoinGroupRequestData data)
        throws Exception {
        JoinGroupResponse r = raw.send(new JoinGroupRequest.Builder(data).build((short) 7));
        return r.data();
    }

    /** SyncGroup (as the leader when {@code assign} is not empty); the partitions the answer assigns. */
    private static Set<TopicPartition> syncGroup(RawKafkaConnection raw, String group, String memberId, int generation,
                                                 String protocol, Set<TopicPartition> assign) throws Exception {
        List<SyncGroupRequestData.SyncGroupRequestAssignment> assignments = new ArrayList<>();
        if (!assign.isEmpty()) {
            ByteBuffer bytes = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(List.copyOf(assign)));
            byte[] array = new byte[bytes.remaining()];
            bytes.get(array);
            assignments.add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(array));
        }
        SyncGroupResponse r = raw.send(new SyncGroupRequest.Builder(new SyncGroupRequestData().setGroupId(group)
            .setMemberId(memberId).setGenerationId(generation).setProtocolType("consumer").setProtocolName(protocol)
            .setAssignments(assignments)).build((short) 5));
        if (r.data().errorCode() != Errors.NONE.code()) return Set.of();
        return Set.copyOf(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(r.data().assignment())).partitions());
    }

    private static short classicHeartbeat(RawKafkaConnection raw, String group, String memberId, int generation) throws Exception {
        HeartbeatResponse r = raw.send(new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
            .setMemberId(memberId).setGenerationId(generation)).build((short) 4));
        return r.data().errorCode();
    }

    /** The group-level error of an OffsetFetch v9 of partition 0 by {@code memberId} at {@code memberEpoch}. */
    private static short offsetFetch(RawKafkaConnection raw, String group, String memberId, int memberEpoch) throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData().setGroups(List.of(
            new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setMemberId(memberId)
                .setMemberEpoch(memberEpoch).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                    .setName(TOPIC).setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse r = raw.send(OffsetFetchRequest.Builder.forTopicNames(data, false).build((short) 9));
        return r.data().groups().get(0).errorCode();
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String memberId) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
            .setRebalanceTimeoutMs(30000).setSubscribedTopicNames(List.of(TOPIC)).setTopicPartitions(List.of());
    }

    private static org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData heartbeat(RawKafkaConnection raw,
            ConsumerGroupHeartbeatRequestData data) throws Exception {
        ConsumerGroupHeartbeatResponse r = raw.send(new ConsumerGroupHeartbeatRequest.Builder(data).build((short) 1));
        return r.data();
    }

    @Test
    void kafkaConsumerGroupsShowsBothKindsOfGroup() throws Exception {
        GroupTestSupport.Member modern = member("modern-client", "modern-group");
        GroupTestSupport.Member classic = new GroupTestSupport.Member("classic-client",
            GroupTestSupport.consumer(broker.get(), "classic-group", ConsumerConfig.CLIENT_ID_CONFIG, "classic-client"), List.of(TOPIC));
        members.add(classic);
        waitUntil("both own all six", () -> modern.assignment().size() == 6 && classic.assignment().size() == 6,
            () -> List.of(modern, classic));

        String bs = broker.bootstrapServers();
        String tool = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
        KafkaTool.Result list = KafkaTool.run(broker.dir(), tool, null, "--bootstrap-server", bs, "--list", "--type");
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out().lines().map(l -> l.trim().split("\\s+")).filter(c -> c.length == 2)
            .map(c -> c[0] + " " + c[1])).as(list.out()).contains("modern-group Consumer", "classic-group Classic");

        Map<String, String> clientOfGroup = new HashMap<>(Map.of("modern-group", "modern-client", "classic-group", "classic-client"));
        for (Map.Entry<String, String> e : clientOfGroup.entrySet()) {
            KafkaTool.Result members = KafkaTool.run(broker.dir(), tool, null, "--bootstrap-server", bs, "--describe", "--group",
                e.getKey(), "--members");
            assertThat(members.exit()).as(members.out()).isZero();
            List<String> rows = members.out().lines().filter(l -> l.startsWith(e.getKey())).toList();
            assertThat(rows).as(members.out()).hasSize(1);
            assertThat(rows.get(0).trim()).as(members.out()).contains(e.getValue()).endsWith(" 6");
        }
    }
}
