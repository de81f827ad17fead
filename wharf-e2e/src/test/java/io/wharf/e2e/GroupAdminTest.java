package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.consumer;
import static io.wharf.e2e.GroupTestSupport.ownedExactlyOnce;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin client on consumer groups: describe, list (with a state filter), list, alter and delete offsets,
 * delete groups — and the refusals: a group with members cannot be deleted (NON_EMPTY_GROUP), offsets of a
 * topic its members consume cannot be deleted (GROUP_SUBSCRIBED_TO_TOPIC), an unknown group is not found.
 */
class GroupAdminTest {
    private static final String TOPIC = "inventory";
    private static final String OTHER = "audit";
    private static final String GROUP = "admin-group";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("offsets.topic.num.partitions", "5");

    private final List<GroupTestSupport.Member> members = new ArrayList<>();

    @BeforeEach
    void start() {
        GroupTestSupport.createTopic(broker.get(), TOPIC, 4);
        GroupTestSupport.createTopic(broker.get(), OTHER, 1);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GroupTestSupport.Member m : members) m.close();
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static List<String> ids(Collection<GroupListing> listings) {
        return listings.stream().map(GroupListing::groupId).toList();
    }

    @Test
    void describeListAndManageTheOffsetsOfAConsumerGroup() throws Exception {
        Set<TopicPartition> all = GroupTestSupport.partitions(TOPIC, 4);
        for (String name : List.of("alpha", "beta")) {
            members.add(new GroupTestSupport.Member(name, consumer(broker.get(), GROUP, ConsumerConfig.CLIENT_ID_CONFIG, name),
                List.of(TOPIC)));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            waitUntil("the members share the topic", () -> ownedExactlyOnce(members, all)
                && describe(admin).groupState() == GroupState.STABLE, () -> members);

            ConsumerGroupDescription d = describe(admin);
            assertThat(d.type()).isEqualTo(GroupType.CLASSIC);
            assertThat(d.partitionAssignor()).isEqualTo("range");
            assertThat(d.coordinator().id()).isEqualTo(0);
            assertThat(d.isSimpleConsumerGroup()).isFalse();
            assertThat(d.members()).extracting(MemberDescription::clientId).containsExactlyInAnyOrder("alpha", "beta");
            assertThat(d.members()).allSatisfy(m -> {
                assertThat(m.host()).isEqualTo("/127.0.0.1");
                assertThat(m.assignment().topicPartitions()).hasSize(2);
            });

            assertThat(ids(get(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE)))
                .all()))).containsExactly(GROUP);
            assertThat(ids(get(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY)))
                .all()))).doesNotContain(GROUP);

            // Refused while the group has members.
            assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of(GROUP)).all()))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
            TopicPartition consumed = new TopicPartition(TOPIC, 0);
            assertThatThrownBy(() -> get(admin.deleteConsumerGroupOffsets(GROUP, Set.of(consumed)).partitionResult(consumed)))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupSubscribedToTopicException.class);

            for (GroupTestSupport.Member m : members) m.leave();
            waitUntil("the group is empty", () -> describe(admin).groupState() == GroupState.EMPTY, () -> describe(admin));
            assertThat(ids(get(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY)))
                .all()))).contains(GROUP);

            // Offsets of an empty group can be set and deleted.
            TopicPartition other = new TopicPartition(OTHER, 0);
            get(admin.alterConsumerGroupOffsets(GROUP, Map.of(consumed, new OffsetAndMetadata(3), other, new OffsetAndMetadata(1)))
                .all());
            assertThat(get(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()))
                .containsEntry(consumed, new OffsetAndMetadata(3)).containsEntry(other, new OffsetAndMetadata(1));
            get(admin.deleteConsumerGroupOffsets(GROUP, Set.of(other)).all());
            assertThat(get(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()))
                .containsOnlyKeys(consumed);

            get(admin.deleteConsumerGroups(List.of(GROUP)).all());
            assertThat(ids(get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()))).doesNotContain(GROUP);
            assertThatThrownBy(() -> get(admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
            assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of(GROUP)).all()))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    private static ConsumerGroupDescription describe(Admin admin) {
        try {
            return get(admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
