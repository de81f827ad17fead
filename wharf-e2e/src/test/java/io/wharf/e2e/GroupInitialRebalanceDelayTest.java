package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.consumer;
import static io.wharf.e2e.GroupTestSupport.ownedExactlyOnce;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code group.initial.rebalance.delay.ms}: the first rebalance of an empty group waits for more members,
 * so consumers started together form the group in one generation instead of one rebalance per arrival.
 */
class GroupInitialRebalanceDelayTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest(
        "group.initial.rebalance.delay.ms", "2000", "offsets.topic.num.partitions", "3");

    private final List<GroupTestSupport.Member> members = new ArrayList<>();

    @BeforeEach
    void start() {
        GroupTestSupport.createTopic(broker.get(), "jobs", 6);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GroupTestSupport.Member m : members) m.close();
    }

    @Test
    void consumersStartedTogetherShareTheFirstGeneration() {
        for (String name : List.of("x", "y", "z")) {
            members.add(new GroupTestSupport.Member(name, consumer(broker.get(), "delayed"), List.of("jobs")));
        }
        waitUntil("three members share the topic", () -> ownedExactlyOnce(members, GroupTestSupport.partitions("jobs", 6)),
            () -> members);
        assertThat(members).allSatisfy(m -> {
            assertThat(m.generation()).isEqualTo(1);
            assertThat(m.assignment()).hasSize(2);
            assertThat(m.revoked.get()).isZero();
        });
    }
}
