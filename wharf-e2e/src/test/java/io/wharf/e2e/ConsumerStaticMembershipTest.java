package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.consumer;
import static io.wharf.e2e.GroupTestSupport.ownedExactlyOnce;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Static membership (KIP-345) with the real consumer: a member with a {@code group.instance.id} that
 * restarts within its session timeout gets its old partitions back without a rebalance (the other member
 * keeps its partitions and its generation), and a second live instance with the same id fences the first.
 */
class ConsumerStaticMembershipTest {
    private static final String TOPIC = "sensors";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("offsets.topic.num.partitions", "5");

    private final List<GroupTestSupport.Member> members = new ArrayList<>();

    @BeforeEach
    void start() {
        GroupTestSupport.createTopic(broker.get(), TOPIC, 4);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GroupTestSupport.Member m : members) m.close();
    }

    private GroupTestSupport.Member member(String name, String instanceId) {
        GroupTestSupport.Member m = new GroupTestSupport.Member(name, consumer(broker.get(), "static-group",
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId, ConsumerConfig.CLIENT_ID_CONFIG, name,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000"), List.of(TOPIC));
        members.add(m);
        return m;
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 4);
        GroupTestSupport.Member a = member("a", "instance-a");
        GroupTestSupport.Member b = member("b", "instance-b");
        waitUntil("both members share the partitions", () -> ownedExactlyOnce(List.of(a, b), all)
            && a.generation() == b.generation() && a.generation() > 0, () -> members);
        Set<TopicPartition> aPartitions = a.assignment();
        Set<TopicPartition> bPartitions = b.assignment();
        int generation = b.generation();
        int bRevoked = b.revoked.get();
        int bAssignments = b.assignments.get();

        // A static member's close sends no LeaveGroup: the coordinator keeps its place for the session.
        a.close();
        GroupTestSupport.Member restarted = member("a-again", "instance-a");
        waitUntil("the restarted instance owns its old partitions", () -> restarted.assignment().equals(aPartitions),
            () -> members);

        assertThat(restarted.generation()).isEqualTo(generation);
        assertThat(restarted.memberId()).isNotEqualTo(a.memberId());
        assertThat(b.assignment()).isEqualTo(bPartitions);
        assertThat(b.generation()).isEqualTo(generation);
        assertThat(b.revoked.get()).isEqualTo(bRevoked);
        assertThat(b.assignments.get()).isEqualTo(bAssignments);
        assertThat(restarted.failure()).isNull();
        assertThat(b.failure()).isNull();
    }

    @Test
    void aSecondLiveInstanceWithTheSameIdFencesTheFirst() {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 4);
        GroupTestSupport.Member first = member("first", "instance-x");
        waitUntil("the first instance owns every partition", () -> first.assignment().equals(all), () -> members);

        GroupTestSupport.Member second = member("second", "instance-x");
        waitUntil("the second instance takes over", () -> second.assignment().equals(all), () -> members);
        waitUntil("the first instance learns it is fenced", () -> !first.isRunning(), () -> first.failure());
        assertThat(first.failure()).isInstanceOf(FencedInstanceIdException.class);
        assertThat(second.failure()).isNull();
    }
}
