package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The classic group protocol request by request, with kafka-clients' own request classes over a socket:
 * member ids (KIP-394), generations, protocol selection, the leader's assignment handed over byte for byte,
 * static membership (KIP-345), and the error codes of every misstep. The protocol type here is not
 * "consumer": the coordinator must treat protocol metadata and assignments as opaque bytes.
 */
class GroupProtocolTest {
    private static final String TYPE = "test-protocol";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("offsets.topic.num.partitions", "3");

    // ---- requests ---------------------------------------------------------------------------------------

    private static JoinGroupResponseData join(RawKafkaConnection c, String group, String memberId, String instanceId,
                                              int sessionMs, String... protocols) throws Exception {
        return join(c, group, memberId, instanceId, sessionMs, 20_000, protocols);
    }

    private static JoinGroupResponseData join(RawKafkaConnection c, String group, String memberId, String instanceId,
                                              int sessionMs, int rebalanceMs, String... protocols) throws Exception {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection ps = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        for (String p : protocols) ps.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(p).setMetadata(bytes("meta-" + p)));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(sessionMs)
            .setRebalanceTimeoutMs(rebalanceMs).setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType(TYPE)
            .setProtocols(ps);
        JoinGroupResponse response = c.send(new JoinGroupRequest.Builder(data).build((short) 9));
        return response.data();
    }

    /** KIP-394: the first join gets MEMBER_ID_REQUIRED with an id, the second joins with it. */
    private static JoinGroupResponseData joinDynamic(RawKafkaConnection c, String group, String... protocols) throws Exception {
        JoinGroupResponseData first = join(c, group, "", null, 10_000, protocols);
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).isNotEmpty();
        return join(c, group, first.memberId(), null, 10_000, protocols);
    }

    private static JoinGroupResponseData joinDynamic(RawKafkaConnection c, String group, int rebalanceMs, String protocol)
        throws Exception {
        JoinGroupResponseData first = join(c, group, "", null, 30_000, rebalanceMs, protocol);
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return join(c, group, first.memberId(), null, 30_000, rebalanceMs, protocol);
    }

    private static SyncGroupResponseData sync(RawKafkaConnection c, String group, int generation, String memberId,
                                              String instanceId, Map<String, String> assignments) throws Exception {
        SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group).setGenerationId(generation)
            .setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType(TYPE);
        assignments.forEach((m, a) -> data.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment()
            .setMemberId(m).setAssignment(bytes(a))));
        SyncGroupResponse response = c.send(new SyncGroupRequest.Builder(data).build((short) 4));
        return response.data();
    }

    private static Errors heartbeat(RawKafkaConnection c, String group, int generation, String memberId, String instanceId)
        throws Exception {
        HeartbeatResponse response = c.send(new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
            .setGenerationId(generation).setMemberId(memberId).setGroupInstanceId(instanceId)).build());
        return Errors.forCode(response.data().errorCode());
    }

    private static DescribeGroupsResponseData.DescribedGroup describe(RawKafkaConnection c, String group) throws Exception {
        DescribeGroupsResponse response = c.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
            .setGroups(List.of(group))).build());
        return response.data().groups().get(0);
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String string(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    /**
     * A connection to the coordinator, ready as a client would have it: FindCoordinator first (which creates
     * the offsets topic), then until the offsets are loaded (ListGroups answers without a loading error).
     */
    private RawKafkaConnection connect() throws Exception {
        RawKafkaConnection c = new RawKafkaConnection(broker.get());
        FindCoordinatorResponse found = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setCoordinatorKeys(List.of("any")).setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())).build((short) 4));
        assertThat(found.data().coordinators().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        GroupTestSupport.waitUntil("the coordinator has loaded", () -> {
            try {
                ListGroupsResponse listed = c.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()).build());
                return listed.data().errorCode() == Errors.NONE.code();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, () -> "loading");
        return c;
    }

    // ---- tests ------------------------------------------------------------------------------------------

    @Test
    void findCoordinatorNamesThisBrokerForSingleAndBatchedKeys() throws Exception {
        int port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
        try (RawKafkaConnection c = connect()) {
            FindCoordinatorResponse single = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKey("g1").setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())).build((short) 3));
            assertThat(single.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(single.data().nodeId()).isEqualTo(0);
            assertThat(single.data().port()).isEqualTo(port);

            FindCoordinatorResponse batched = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setCoordinatorKeys(List.of("a", "b", "c")).setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()))
                .build((short) 4));
            assertThat(batched.data().coordinators()).extracting(FindCoordinatorResponseData.Coordinator::key)
                .containsExactly("a", "b", "c");
            assertThat(batched.data().coordinators()).allSatisfy(co -> {
                assertThat(co.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(co.port()).isEqualTo(port);
            });
        }
        // The first FindCoordinator created the compacted offsets topic with the configured partition count.
        var topic = broker.server().broker().topics().topic("__consumer_offsets").orElseThrow();
        assertThat(topic.partitionCount()).isEqualTo(3);
        assertThat(topic.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void leaderGetsEveryMembersMetadataAndEachMemberGetsItsAssignmentVerbatim() throws Exception {
        try (RawKafkaConnection a = connect(); RawKafkaConnection b = connect()) {
            JoinGroupResponseData a1 = joinDynamic(a, "g", "p1", "p2");
            assertThat(a1.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(a1.generationId()).isEqualTo(1);
            assertThat(a1.leader()).isEqualTo(a1.memberId());
            assertThat(a1.protocolName()).isEqualTo("p1");
            assertThat(sync(a, "g", 1, a1.memberId(), null, Map.of(a1.memberId(), "all")).assignment())
                .isEqualTo(bytes("all"));

            // B prefers p2; A supports both but prefers p1: one vote each, the tie goes to the first member's preference.
            CompletableFuture<JoinGroupResponseData> bJoin = CompletableFuture.supplyAsync(() -> {
                try {
                    return joinDynamic(b, "g", "p2", "p1");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            GroupTestSupport.waitUntil("A sees the rebalance", () -> {
                try {
                    return heartbeat(a, "g", 1, a1.memberId(), null) == Errors.REBALANCE_IN_PROGRESS;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, () -> "no REBALANCE_IN_PROGRESS");
            JoinGroupResponseData a2 = join(a, "g", a1.memberId(), null, 10_000, "p1", "p2");
            JoinGroupResponseData b2 = bJoin.get(30, TimeUnit.SECONDS);
            assertThat(a2.generationId()).isEqualTo(2).isEqualTo(b2.generationId());
            assertThat(a2.leader()).isEqualTo(a1.memberId()).isEqualTo(b2.leader());
            assertThat(a2.protocolName()).isEqualTo("p1").isEqualTo(b2.protocolName());
            assertThat(a2.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a1.memberId(), b2.memberId());
            assertThat(a2.members()).allSatisfy(m -> assertThat(string(m.metadata())).isEqualTo("meta-p1"));
            assertThat(b2.members()).isEmpty();

            // The follower's SyncGroup waits for the leader's; both get exactly what the leader sent.
            CompletableFuture<SyncGroupResponseData> bSync = CompletableFuture.supplyAsync(() -> {
                try {
                    return sync(b, "g", 2, b2.memberId(), null, Map.of());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            SyncGroupResponseData aSync = sync(a, "g", 2, a1.memberId(), null,
                Map.of(a1.memberId(), "for-a", b2.memberId(), "for-b"));
            assertThat(string(aSync.assignment())).isEqualTo("for-a");
            assertThat(string(bSync.get(30, TimeUnit.SECONDS).assignment())).isEqualTo("for-b");

            DescribeGroupsResponseData.DescribedGroup described = describe(a, "g");
            assertThat(described.groupState()).isEqualTo("Stable");
            assertThat(described.protocolType()).isEqualTo(TYPE);
            assertThat(described.protocolData()).isEqualTo("p1");
            assertThat(described.members()).hasSize(2);
            assertThat(described.members()).extracting(m -> string(m.memberAssignment()))
                .containsExactlyInAnyOrder("for-a", "for-b");

            // Stale and unknown members.
            assertThat(heartbeat(a, "g", 1, a1.memberId(), null)).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(heartbeat(a, "g", 2, "nobody", null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(heartbeat(a, "g", 2, a1.memberId(), null)).isEqualTo(Errors.NONE);
            assertThat(Errors.forCode(sync(a, "g", 1, a1.memberId(), null, Map.of()).errorCode()))
                .isEqualTo(Errors.ILLEGAL_GENERATION);
        }
    }

    @Test
    void joinErrorsInvalidGroupSessionTimeoutAndInconsistentProtocols() throws Exception {
        try (RawKafkaConnection a = connect(); RawKafkaConnection b = connect()) {
            assertThat(Errors.forCode(join(a, "", "", null, 10_000, "p").errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
            assertThat(Errors.forCode(join(a, "g", "", null, 1_000, "p").errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
            assertThat(Errors.forCode(join(a, "g", "member-that-never-was", null, 10_000, "p").errorCode()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            JoinGroupResponseData a1 = joinDynamic(a, "g", "p1");
            assertThat(a1.errorCode()).isEqualTo(Errors.NONE.code());
            // No protocol in common with the group.
            assertThat(Errors.forCode(join(b, "g", "", null, 10_000, "other").errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
    }

    @Test
    void staticMemberRejoinsWithoutRebalanceAndTheOldInstanceIsFenced() throws Exception {
        try (RawKafkaConnection a = connect(); RawKafkaConnection again = connect()) {
            // A static member joins without MEMBER_ID_REQUIRED.
            JoinGroupResponseData first = join(a, "static", "", "instance-1", 10_000, "p");
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(first.memberId()).startsWith("instance-1-");
            sync(a, "static", first.generationId(), first.memberId(), "instance-1", Map.of(first.memberId(), "mine"));

            // The same instance restarts (new member id, same metadata): no rebalance, same generation.
            JoinGroupResponseData second = join(again, "static", "", "instance-1", 10_000, "p");
            assertThat(second.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(second.memberId()).isNotEqualTo(first.memberId());
            assertThat(second.generationId()).isEqualTo(first.generationId());
            assertThat(second.skipAssignment()).isTrue(); // it leads, but must not reassign (KIP-814)
            SyncGroupResponseData synced = sync(again, "static", second.generationId(), second.memberId(), "instance-1", Map.of());
            assertThat(string(synced.assignment())).isEqualTo("mine");
            assertThat(describe(again, "static").groupState()).isEqualTo("Stable");

            // The old instance is fenced.
            assertThat(heartbeat(a, "static", first.generationId(), first.memberId(), "instance-1"))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
            assertThat(heartbeat(again, "static", second.generationId(), second.memberId(), "instance-1"))
                .isEqualTo(Errors.NONE);
        }
    }

    @Test
    void batchedLeaveGroupAnswersPerMemberAndAnExpiredSessionEmptiesTheGroup() throws Exception {
        try (RawKafkaConnection a = connect()) {
            JoinGroupResponseData a1 = joinDynamic(a, "leaving", "p");
            sync(a, "leaving", a1.generationId(), a1.memberId(), null, Map.of());
            LeaveGroupResponse left = a.send(new LeaveGroupRequest.Builder("leaving", List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId(a1.memberId()),
                new LeaveGroupRequestData.MemberIdentity().setMemberId("stranger"))).build((short) 5));
            assertThat(left.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(left.data().members()).extracting(LeaveGroupResponseData.MemberResponse::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
            GroupTestSupport.waitUntil("the group is empty", () -> state(a, "leaving").equals("Empty"), () -> state(a, "leaving"));

            // A member that stops heartbeating is removed once its 6 s session expires.
            JoinGroupResponseData b1 = join(a, "expiring", "", null, 6_000, "p");
            JoinGroupResponseData b2 = join(a, "expiring", b1.memberId(), null, 6_000, "p");
            sync(a, "expiring", b2.generationId(), b2.memberId(), null, Map.of());
            assertThat(state(a, "expiring")).isEqualTo("Stable");
            long joined = System.nanoTime();
            GroupTestSupport.waitUntil("the silent member expires", () -> state(a, "expiring").equals("Empty"),
                () -> state(a, "expiring"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined)).isGreaterThanOrEqualTo(5_000);
            assertThat(heartbeat(a, "expiring", b2.generationId(), b2.memberId(), null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private String state(RawKafkaConnection c, String group) {
        try {
            return describe(c, group).groupState();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void offsetCommitChecksGenerationMemberAndTopic() throws Exception {
        GroupTestSupport.createTopic(broker.get(), "t", 2);
        try (RawKafkaConnection a = connect()) {
            JoinGroupResponseData m = joinDynamic(a, "committers", "p");
            sync(a, "committers", m.generationId(), m.memberId(), null, Map.of());
            assertThat(commit(a, "committers", m.generationId(), m.memberId(), "t", 0)).isEqualTo(Errors.NONE);
            assertThat(commit(a, "committers", m.generationId() + 5, m.memberId(), "t", 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(commit(a, "committers", m.generationId(), "nobody", "t", 0)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            // Without group management, only while the group has no members.
            assertThat(commit(a, "committers", -1, "", "t", 0)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(a, "committers", m.generationId(), m.memberId(), "t", 7)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(commit(a, "committers", m.generationId(), m.memberId(), "missing", 0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            // A generation for a group that does not exist.
            assertThat(commit(a, "no-such-group", 3, "x", "t", 0)).isEqualTo(Errors.ILLEGAL_GENERATION);

            // Deleting a group with members fails; an unknown one is not found.
            DeleteGroupsResponse deleted = a.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of("committers", "no-such-group"))).build());
            assertThat(deleted.data().results().find("committers").errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
            assertThat(deleted.data().results().find("no-such-group").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            ListGroupsResponse stable = a.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
                .setStatesFilter(List.of("stable"))).build());
            assertThat(stable.data().groups()).extracting(ListGroupsResponseData.ListedGroup::groupId).containsExactly("committers");
            ListGroupsResponse empty = a.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
                .setStatesFilter(List.of("Empty"))).build());
            assertThat(empty.data().groups()).isEmpty();
        }
    }

    private static Errors commit(RawKafkaConnection c, String group, int generation, String memberId, String topic,
                                 int partition) throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(generation)
            .setMemberId(memberId);
        data.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
            new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(42)
                .setCommittedMetadata("m"))));
        OffsetCommitResponse response = c.send(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 9));
        OffsetCommitResponseData.OffsetCommitResponsePartition p = response.data().topics().get(0).partitions().get(0);
        return Errors.forCode(p.errorCode());
    }

    @Test
    void offsetFetchAnswersTheSingleGroupAndTheMultiGroupForms() throws Exception {
        GroupTestSupport.createTopic(broker.get(), "t", 2);
        try (RawKafkaConnection c = connect()) {
            assertThat(commit(c, "g1", -1, "", "t", 0)).isEqualTo(Errors.NONE);
            assertThat(commit(c, "g2", -1, "", "t", 1)).isEqualTo(Errors.NONE);

            // v8+: several groups, one with all its offsets (null topics), one with named partitions.
            OffsetFetchRequestData batched = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("g1").setTopics(null),
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("g2").setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("t").setPartitionIndexes(List.of(0, 1))))));
            OffsetFetchResponse multi = c.send(OffsetFetchRequest.Builder.forTopicNames(batched, false).build((short) 9));
            OffsetFetchResponseData.OffsetFetchResponseGroup g1 = multi.data().groups().get(0);
            assertThat(g1.groupId()).isEqualTo("g1");
            assertThat(g1.topics()).hasSize(1);
            assertThat(g1.topics().get(0).partitions()).singleElement().satisfies(p -> {
                assertThat(p.partitionIndex()).isEqualTo(0);
                assertThat(p.committedOffset()).isEqualTo(42);
                assertThat(p.metadata()).isEqualTo("m");
            });
            OffsetFetchResponseData.OffsetFetchResponseGroup g2 = multi.data().groups().get(1);
            assertThat(g2.topics().get(0).partitions()).extracting(OffsetFetchResponseData.OffsetFetchResponsePartitions::committedOffset)
                .containsExactly(-1L, 42L);

            // v7 and before: one group, the old layout.
            OffsetFetchRequestData single = new OffsetFetchRequestData().setGroupId("g2").setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(1))));
            OffsetFetchResponse old = c.send(OffsetFetchRequest.Builder.forTopicNames(single, false).build((short) 7));
            assertThat(old.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(old.data().topics().get(0).partitions().get(0).committedOffset()).isEqualTo(42);
        }
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDropped() throws Exception {
        try (RawKafkaConnection a = connect(); RawKafkaConnection b = connect(); RawKafkaConnection c = connect()) {
            JoinGroupResponseData a1 = joinDynamic(a, "slow", 3_000, "p");
            sync(a, "slow", a1.generationId(), a1.memberId(), null, Map.of());
            CompletableFuture<JoinGroupResponseData> bJoin = async(() -> joinDynamic(b, "slow", 3_000, "p"));
            waitUntil(() -> heartbeat(a, "slow", a1.generationId(), a1.memberId(), null) == Errors.REBALANCE_IN_PROGRESS);
            JoinGroupResponseData a2 = join(a, "slow", a1.memberId(), null, 30_000, 3_000, "p");
            JoinGroupResponseData b2 = bJoin.get(30, TimeUnit.SECONDS);
            sync(a, "slow", a2.generationId(), a2.memberId(), null, Map.of());
            sync(b, "slow", b2.generationId(), b2.memberId(), null, Map.of());

            // C joins; A rejoins, B never does (its 30 s session would not expire for a while).
            CompletableFuture<JoinGroupResponseData> cJoin = async(() -> joinDynamic(c, "slow", 3_000, "p"));
            waitUntil(() -> heartbeat(a, "slow", a2.generationId(), a2.memberId(), null) == Errors.REBALANCE_IN_PROGRESS);
            long rejoined = System.nanoTime();
            JoinGroupResponseData a3 = join(a, "slow", a2.memberId(), null, 30_000, 3_000, "p");
            JoinGroupResponseData c3 = cJoin.get(30, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rejoined)).isGreaterThanOrEqualTo(2_000);
            assertThat(a3.generationId()).isEqualTo(a2.generationId() + 1).isEqualTo(c3.generationId());
            assertThat(a3.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a2.memberId(), c3.memberId());
            assertThat(heartbeat(b, "slow", b2.generationId(), b2.memberId(), null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> CompletableFuture<T> async(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void waitUntil(Call<Boolean> condition) {
        GroupTestSupport.waitUntil("the condition holds", () -> {
            try {
                return condition.call();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, () -> "not yet");
    }
}
