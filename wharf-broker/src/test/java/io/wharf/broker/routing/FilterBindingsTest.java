package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The destination array readers walk: set semantics through appends, holes and repacking. */
class FilterBindingsTest {

    private static List<Object> live(FilterBindings<?> bindings) {
        FilterBindings.Slots slots = bindings.slots();
        List<Object> live = new ArrayList<>();
        for (int i = 0; i < slots.used; i++) {
            if (slots.array[i] != null) {
                live.add(slots.array[i]);
            }
        }
        return live;
    }

    @Test
    void addsEachDestinationOnce() {
        FilterBindings<String> bindings = new FilterBindings<>("a.*");
        assertThat(bindings.add("q1")).isTrue();
        assertThat(bindings.add("q2")).isTrue();
        assertThat(bindings.add("q1")).isFalse();
        assertThat(bindings.size()).isEqualTo(2);
        assertThat(bindings.filter()).isEqualTo("a.*");
        assertThat(live(bindings)).containsExactly("q1", "q2");
    }

    @Test
    void removesAndRepacksWithoutLosingLiveDestinations() {
        FilterBindings<Integer> bindings = new FilterBindings<>("#");
        for (int i = 0; i < 1_000; i++) {
            bindings.add(i);
        }
        for (int i = 0; i < 1_000; i++) {
            if (i % 3 != 0) {
                assertThat(bindings.remove(i)).isTrue();
            }
        }
        assertThat(bindings.remove(1)).isFalse();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i += 3) {
            expected.add(i);
        }
        assertThat(live(bindings)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(bindings.slots().used).as("holes were repacked away").isLessThanOrEqualTo(2 * expected.size());
    }

    @Test
    void aDestinationRemovedAndAddedAgainAppearsOnce() {
        FilterBindings<String> bindings = new FilterBindings<>("x");
        bindings.add("a");
        bindings.add("b");
        for (int round = 0; round < 50; round++) {
            assertThat(bindings.remove("a")).isTrue();
            assertThat(bindings.add("a")).isTrue();
        }
        assertThat(live(bindings)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void becomesEmptyWhenTheLastDestinationLeaves() {
        FilterBindings<String> bindings = new FilterBindings<>("x");
        bindings.add("a");
        assertThat(bindings.isEmpty()).isFalse();
        bindings.remove("a");
        assertThat(bindings.isEmpty()).isTrue();
        assertThat(live(bindings)).isEmpty();
        bindings.add("b");
        assertThat(live(bindings)).containsExactly("b");
    }

    /** A reader holding an old view keeps a consistent array: repacking never reorders what it walks. */
    @Test
    void anOldViewStillShowsEveryDestinationThatStayed() {
        FilterBindings<String> bindings = new FilterBindings<>("x");
        for (String d : List.of("a", "b", "c", "d")) {
            bindings.add(d);
        }
        FilterBindings.Slots before = bindings.slots();
        bindings.remove("a");
        bindings.remove("b");
        bindings.remove("c"); // repacks: holes now outnumber live destinations
        bindings.add("e");
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < before.used; i++) {
            if (before.array[i] != null) {
                seen.add(before.array[i]);
            }
        }
        assertThat(seen).contains("d");
        assertThat(live(bindings)).containsExactlyInAnyOrder("d", "e");
    }
}
