package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.WAIT;
import static io.wharf.e2e.GroupTestSupport.consumer;
import static io.wharf.e2e.GroupTestSupport.ownedExactlyOnce;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consumers with {@code subscribe()} sharing topics through a group, under each of Kafka's assignors (which
 * run in the clients): with three members and then two, every partition is owned by exactly one member;
 * when a member leaves (close) or dies (no LeaveGroup, found by its session timeout) its partitions move
 * to the others. The coordinator's view (DescribeGroups through the admin client) must agree.
 */
class ConsumerGroupRebalanceTest {
    private static final String TOPIC_A = "orders";
    private static final String TOPIC_B = "payments";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("offsets.topic.num.partitions", "5");

    private final List<GroupTestSupport.Member> members = new ArrayList<>();

    @BeforeEach
    void start() {
        GroupTestSupport.createTopic(broker.get(), TOPIC_A, 6);
        GroupTestSupport.createTopic(broker.get(), TOPIC_B, 3);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GroupTestSupport.Member m : members) m.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {RangeAssignor.class, RoundRobinAssignor.class, StickyAssignor.class,
        CooperativeStickyAssignor.class})
    void partitionsAreSharedAndMoveWhenMembersLeaveOrDie(Class<?> assignor) throws Exception {
        String group = "group-" + assignor.getSimpleName();
        Set<TopicPartition> all = new HashSet<>(GroupTestSupport.partitions(TOPIC_A, 6));
        all.addAll(GroupTestSupport.partitions(TOPIC_B, 3));

        for (String name : List.of("m1", "m2", "m3")) {
            members.add(new GroupTestSupport.Member(name, consumer(broker.get(), group,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName(),
                ConsumerConfig.CLIENT_ID_CONFIG, name), List.of(TOPIC_A, TOPIC_B)));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            awaitStableSharing(admin, group, List.copyOf(members), all);
            for (GroupTestSupport.Member m : members) assertThat(m.assignment()).hasSize(3); // 9 partitions, 3 members

            // A member leaves: its partitions move to the two others.
            GroupTestSupport.Member leaving = members.get(0);
            leaving.leave();
            List<GroupTestSupport.Member> two = List.of(members.get(1), members.get(2));
            awaitStableSharing(admin, group, two, all);
            assertThat(two).allSatisfy(m -> assertThat(m.assignment()).hasSizeBetween(4, 5));

            // A member dies without leaving: after its session timeout its partitions move to the survivor.
            GroupTestSupport.Member dying = members.get(1);
            long died = System.nanoTime();
            dying.die();
            GroupTestSupport.Member survivor = members.get(2);
            awaitStableSharing(admin, group, List.of(survivor), all);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died)).isGreaterThanOrEqualTo(5_000);
            assertThat(survivor.assignment()).isEqualTo(all);
        }
        for (GroupTestSupport.Member m : members) assertThat(m.failure()).as(m.name).isNull();
    }

    /**
     * Waits until exactly {@code expected} are in the group, the group is Stable, every partition is owned by
     * exactly one member, and each consumer's own assignment is the one the coordinator recorded for it.
     */
    private static void awaitStableSharing(Admin admin, String group, List<GroupTestSupport.Member> expected,
                                           Set<TopicPartition> all) {
        waitUntil("the group is stable with " + expected.size() + " member(s) owning every partition once", () -> {
            if (!ownedExactlyOnce(expected, all)) return false;
            ConsumerGroupDescription d = describe(admin, group);
            if (d.groupState() != GroupState.STABLE || d.members().size() != expected.size()) return false;
            for (GroupTestSupport.Member m : expected) {
                MemberDescription recorded = d.members().stream().filter(md -> md.clientId().equals(m.name)).findFirst()
                    .orElse(null);
                if (recorded == null || !recorded.assignment().topicPartitions().equals(m.assignment())) return false;
            }
            return true;
        }, () -> expected + " / " + describe(admin, group));
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
