package io.wharf.kafka.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssignorsTest {
    private static ConsumerAssignor.Subscriber subscriber(Set<String> topics, Assignment current) {
        return new ConsumerAssignor.Subscriber(topics, current);
    }

    private static Assignment of(String topic, Integer... partitions) {
        return Assignment.of(Map.of(topic, Set.of(partitions)));
    }

    /** Every partition of every topic given to exactly one member subscribed to it. */
    private static void assertComplete(Map<String, Assignment> result, Map<String, ConsumerAssignor.Subscriber> members,
                                       Map<String, Integer> partitions) {
        Map<String, Integer> seen = new HashMap<>();
        result.forEach((member, a) -> a.byTopic().forEach((topic, ps) -> {
            assertThat(members.get(member).topics()).as(member + " subscribes to " + topic).contains(topic);
            for (int p : ps) assertThat(seen.put(topic + "-" + p, 1)).as(topic + "-" + p + " given twice").isNull();
        }));
        int total = partitions.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(seen).hasSize(total);
    }

    @Test
    void uniformBalancesEqualSubscriptionsWithinOne() {
        Map<String, ConsumerAssignor.Subscriber> members = Map.of(
            "a", subscriber(Set.of("t", "u"), Assignment.EMPTY),
            "b", subscriber(Set.of("t", "u"), Assignment.EMPTY),
            "c", subscriber(Set.of("t", "u"), Assignment.EMPTY));
        Map<String, Integer> partitions = Map.of("t", 5, "u", 3);
        Map<String, Assignment> result = new UniformAssignor().assign(members, partitions);
        assertComplete(result, members, partitions);
        assertThat(result.values()).extracting(Assignment::size).containsExactlyInAnyOrder(3, 3, 2);
    }

    @Test
    void uniformKeepsWhatMembersHadAndMovesOnlyWhatANewMemberNeeds() {
        Assignment aHad = of("t", 0, 1, 2);
        Assignment bHad = of("t", 3, 4, 5);
        Map<String, ConsumerAssignor.Subscriber> members = Map.of(
            "a", subscriber(Set.of("t"), aHad),
            "b", subscriber(Set.of("t"), bHad),
            "c", subscriber(Set.of("t"), Assignment.EMPTY));
        Map<String, Assignment> result = new UniformAssignor().assign(members, Map.of("t", 6));
        assertComplete(result, members, Map.of("t", 6));
        assertThat(aHad.containsAll(result.get("a"))).isTrue();
        assertThat(bHad.containsAll(result.get("b"))).isTrue();
        assertThat(result.get("c").size()).isEqualTo(2);
        assertThat(result.get("a").size()).isEqualTo(2);
    }

    @Test
    void uniformDropsPartitionsOfTopicsNoLongerSubscribedOrGone() {
        Map<String, ConsumerAssignor.Subscriber> members = Map.of(
            "a", subscriber(Set.of("t"), Assignment.of(Map.of("t", Set.of(0, 1, 7), "old", Set.of(0)))));
        Map<String, Assignment> result = new UniformAssignor().assign(members, Map.of("t", 3));
        assertThat(result.get("a")).isEqualTo(of("t", 0, 1, 2));
    }

    @Test
    void uniformRespectsDifferentSubscriptions() {
        Map<String, ConsumerAssignor.Subscriber> members = Map.of(
            "a", subscriber(Set.of("t"), Assignment.EMPTY),
            "b", subscriber(Set.of("t", "u"), Assignment.EMPTY));
        Map<String, Integer> partitions = Map.of("t", 2, "u", 4);
        Map<String, Assignment> result = new UniformAssignor().assign(members, partitions);
        assertComplete(result, members, partitions);
        assertThat(result.get("a")).isEqualTo(of("t", 0, 1));
        assertThat(result.get("b")).isEqualTo(of("u", 0, 1, 2, 3));
    }

    @Test
    void rangeGivesConsecutiveRangesAndTheSameNumbersOfEveryTopic() {
        Map<String, ConsumerAssignor.Subscriber> members = Map.of(
            "b", subscriber(Set.of("t", "u"), Assignment.EMPTY),
            "a", subscriber(Set.of("t", "u"), Assignment.EMPTY));
        Map<String, Integer> partitions = Map.of("t", 5, "u", 5);
        Map<String, Assignment> result = new RangeAssignor().assign(members, partitions);
        assertComplete(result, members, partitions);
        assertThat(result.get("a")).isEqualTo(Assignment.of(Map.of("t", Set.of(0, 1, 2), "u", Set.of(0, 1, 2))));
        assertThat(result.get("b")).isEqualTo(Assignment.of(Map.of("t", Set.of(3, 4), "u", Set.of(3, 4))));
        assertThat(List.copyOf(result.keySet())).containsExactlyInAnyOrder("a", "b");
    }
}
