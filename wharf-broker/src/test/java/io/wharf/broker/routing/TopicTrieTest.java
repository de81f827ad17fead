package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Binding bookkeeping, pruning, deduplication across overlapping filters, pairs, and sinks that route again. */
class TopicTrieTest {
    private final TopicTrie<String> amqp = new TopicTrie<>(TopicSyntax.AMQP);

    private static List<String> pairs(TopicTrie<String> trie, String topic) {
        List<String> pairs = new ArrayList<>();
        trie.matchPairs(topic, (filter, destination) -> pairs.add(filter + "->" + destination));
        return pairs;
    }

    private static List<String> reported(TopicTrie<String> trie, String topic) {
        List<String> reported = new ArrayList<>();
        trie.match(topic, reported::add);
        return reported;
    }

    @Test
    void addsEachPairOnceAndCountsPairs() {
        assertThat(amqp.isEmpty()).isTrue();
        assertThat(amqp.add("a.b", "q1")).isTrue();
        assertThat(amqp.add("a.b", "q1")).isFalse();
        assertThat(amqp.add("a.b", new String("q1"))).as("destinations compare with equals").isFalse();
        assertThat(amqp.add("a.b", "q2")).isTrue();
        assertThat(amqp.add("a.*", "q1")).isTrue();
        assertThat(amqp.size()).isEqualTo(3);
        assertThat(amqp.isEmpty()).isFalse();
    }

    @Test
    void removesOnlyWhatIsBound() {
        amqp.add("a.b", "q1");
        assertThat(amqp.remove("a.b", "q2")).isFalse();
        assertThat(amqp.remove("a", "q1")).as("a prefix of a bound filter").isFalse();
        assertThat(amqp.remove("a.b.c", "q1")).isFalse();
        assertThat(amqp.remove("a.*", "q1")).isFalse();
        assertThat(amqp.remove("a.b", "q1")).isTrue();
        assertThat(amqp.remove("a.b", "q1")).isFalse();
        assertThat(amqp.match("a.b")).isEmpty();
        assertThat(amqp.size()).isZero();
    }

    @Test
    void removingEveryPairPrunesEveryNode() {
        List<String> filters = List.of("a.b.c", "a.*.c", "a.#", "#", "#.x.#", "", "a..b", "*.*");
        for (String filter : filters) {
            amqp.add(filter, "q1");
            amqp.add(filter, "q2");
        }
        assertThat(amqp.nodeCount()).isGreaterThan(1);
        for (String filter : filters) {
            assertThat(amqp.remove(filter, "q1")).isTrue();
            assertThat(amqp.remove(filter, "q2")).isTrue();
        }
        assertThat(amqp.isEmpty()).isTrue();
        assertThat(amqp.nodeCount()).as("only the root is left").isEqualTo(1);
    }

    @Test
    void pruningKeepsTheNodesOtherFiltersStillUse() {
        amqp.add("a.b", "q1");
        amqp.add("a.b.c.d", "q2");
        amqp.add("a.*.c", "q3");
        assertThat(amqp.nodeCount()).isEqualTo(7);
        amqp.remove("a.b.c.d", "q2");
        assertThat(amqp.nodeCount()).as("root, a, a.b, a.*, a.*.c").isEqualTo(5);
        amqp.remove("a.b", "q1");
        assertThat(amqp.nodeCount()).isEqualTo(4);
        assertThat(amqp.match("a.x.c")).containsExactly("q3");
        assertThat(amqp.match("a.b")).isEmpty();
    }

    @Test
    void removeAllUnbindsEveryFilterOfOneDestination() {
        amqp.add("a.b", "q1");
        amqp.add("a.*", "q1");
        amqp.add("#", "q1");
        amqp.add("a.b", "q2");
        assertThat(amqp.removeAll("q1")).isEqualTo(3);
        assertThat(amqp.removeAll("q1")).isZero();
        assertThat(amqp.removeAll("never-bound")).isZero();
        assertThat(amqp.size()).isEqualTo(1);
        assertThat(amqp.match("a.b")).containsExactly("q2");
        assertThat(amqp.match("x")).isEmpty();
        assertThat(amqp.nodeCount()).isEqualTo(3);
        assertThat(amqp.remove("a.*", "q1")).isFalse();
        assertThat(amqp.add("a.*", "q1")).as("a destination can bind again after removeAll").isTrue();
    }

    @Test
    void aDestinationBoundByOverlappingFiltersIsReportedOnce() {
        for (String filter : List.of("a.b", "a.*", "a.#", "#", "*.b", "#.b")) {
            amqp.add(filter, "q");
        }
        amqp.add("a.#", "other");
        assertThat(reported(amqp, "a.b")).containsExactlyInAnyOrder("q", "other");
        assertThat(pairs(amqp, "a.b")).containsExactlyInAnyOrder("a.b->q", "a.*->q", "a.#->q", "#->q", "*.b->q",
            "#.b->q", "a.#->other");
    }

    /** {@code #.a.#} matches {@code a.a} two ways and {@code #.#} matches {@code a} two ways: one pair each. */
    @Test
    void aFilterMatchingInSeveralWaysIsReportedOnce() {
        amqp.add("#.a.#", "q1");
        amqp.add("#.#", "q2");
        amqp.add("#.#.#", "q3");
        assertThat(pairs(amqp, "a.a")).containsExactlyInAnyOrder("#.a.#->q1", "#.#->q2", "#.#.#->q3");
        assertThat(pairs(amqp, "a.a.a.a")).containsExactlyInAnyOrder("#.a.#->q1", "#.#->q2", "#.#.#->q3");
        assertThat(reported(amqp, "a.a")).containsExactlyInAnyOrder("q1", "q2", "q3");
    }

    @Test
    void manyConsecutiveMultiWordWildcardsStayCheap() {
        String filter = String.join(".", Collections.nCopies(64, "#"));
        String routingKey = String.join(".", Collections.nCopies(128, "w"));
        amqp.add(filter, "q");
        assertThat(amqp.match(routingKey)).containsExactly("q");
        assertThat(pairs(amqp, routingKey)).containsExactly(filter + "->q");
    }

    @Test
    void manyDestinationsOnOneFilterAreAllReported() {
        Set<String> expected = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            amqp.add("fan.out", "q" + i);
            amqp.add("fan.*", "q" + i);
            expected.add("q" + i);
        }
        List<String> reported = reported(amqp, "fan.out");
        assertThat(reported).hasSize(5_000);
        assertThat(Set.copyOf(reported)).isEqualTo(expected);
        assertThat(pairs(amqp, "fan.out")).hasSize(10_000);
    }

    /** An AMQP exchange bound to an exchange routes again from inside the sink, on the same thread. */
    @Test
    void aSinkMayMatchAgainOnTheSameThread() {
        amqp.add("outer.*", "to-inner");
        amqp.add("outer.#", "to-inner");
        amqp.add("outer.x", "q-outer");
        amqp.add("inner.#", "q-inner");
        amqp.add("inner.*", "q-inner");
        List<String> inner = new ArrayList<>();
        List<String> outer = new ArrayList<>();
        amqp.match("outer.x", destination -> {
            outer.add(destination);
            if (destination.equals("to-inner")) {
                amqp.match("inner.y", inner::add);
            }
        });
        assertThat(outer).containsExactlyInAnyOrder("to-inner", "q-outer");
        assertThat(inner).containsExactly("q-inner");
    }

    @Test
    void aFailingSinkLeavesTheTrieUsable() {
        amqp.add("a.*", "q1");
        amqp.add("a.#", "q2");
        assertThatThrownBy(() -> amqp.match("a.b", destination -> {
            throw new IllegalStateException("sink failed");
        })).hasMessage("sink failed");
        assertThat(reported(amqp, "a.b")).containsExactlyInAnyOrder("q1", "q2");
    }

    @Test
    void refusesFiltersDeeperThanTheLimit() {
        String deepest = String.join(".", Collections.nCopies(TopicTrie.MAX_FILTER_WORDS, "w"));
        assertThat(amqp.add(deepest, "q")).isTrue();
        String tooDeep = deepest + ".w";
        assertThatThrownBy(() -> amqp.add(tooDeep, "q"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("257 words")
            .hasMessageContaining(String.valueOf(TopicTrie.MAX_FILTER_WORDS));
        assertThat(amqp.size()).isEqualTo(1);
        assertThat(amqp.match(deepest)).containsExactly("q");
    }

    @Test
    void aWordThatLooksLikeAWildcardInsideIsLiteral() {
        amqp.add("a*.b", "q");
        assertThat(amqp.match("a*.b")).containsExactly("q");
        assertThat(amqp.match("ax.b")).isEmpty();
    }
}
