package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Stored topics found by filter, MQTT's and AMQP's rules. */
class TopicIndexTest {
    private static Map<String, Integer> match(TopicIndex<Integer> index, String filter) {
        Map<String, Integer> found = new TreeMap<>();
        List<String> order = new ArrayList<>();
        index.match(filter, (topic, v) -> {
            order.add(topic);
            found.put(topic, v);
        });
        assertThat(order).as("each topic once").hasSize(found.size());
        return found;
    }

    private static TopicIndex<Integer> mqtt(String... topics) {
        TopicIndex<Integer> index = new TopicIndex<>(TopicSyntax.MQTT);
        for (int i = 0; i < topics.length; i++) index.put(topics[i], i);
        return index;
    }

    @Test
    void exactPlusAndHashFiltersFindTheirTopics() {
        TopicIndex<Integer> index = mqtt("sport/tennis/p1", "sport/tennis/p2", "sport", "sport/", "sport/golf", "a//b");
        assertThat(match(index, "sport/tennis/p1")).containsOnlyKeys("sport/tennis/p1");
        assertThat(match(index, "sport/tennis/+")).containsOnlyKeys("sport/tennis/p1", "sport/tennis/p2");
        assertThat(match(index, "sport/#")).containsOnlyKeys("sport", "sport/", "sport/golf", "sport/tennis/p1",
            "sport/tennis/p2");
        assertThat(match(index, "sport/+")).containsOnlyKeys("sport/", "sport/golf");
        assertThat(match(index, "+")).containsOnlyKeys("sport");
        assertThat(match(index, "a/+/b")).containsOnlyKeys("a//b");
        assertThat(match(index, "#")).hasSize(6);
        assertThat(match(index, "nothing/#")).isEmpty();
    }

    @Test
    void aLeadingWildcardSkipsDollarTopicsButALiteralDollarLevelFindsThem() {
        TopicIndex<Integer> index = mqtt("$SYS/broker/uptime", "$share", "x/$y");
        assertThat(match(index, "#")).containsOnlyKeys("x/$y");
        assertThat(match(index, "+/broker/uptime")).isEmpty();
        assertThat(match(index, "+/+")).containsOnlyKeys("x/$y");
        assertThat(match(index, "$SYS/#")).containsOnlyKeys("$SYS/broker/uptime");
        assertThat(match(index, "$SYS/+/uptime")).containsOnlyKeys("$SYS/broker/uptime");
    }

    @Test
    void putReplacesRemovePrunesAndSizeCountsTopics() {
        TopicIndex<Integer> index = mqtt("a/b/c", "a/b");
        assertThat(index.put("a/b", 7)).isEqualTo(1);
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.get("a/b")).isEqualTo(7);
        assertThat(index.remove("a/b/c")).isEqualTo(0);
        assertThat(index.remove("a/b/c")).isNull();
        assertThat(index.remove("a/x")).isNull();
        assertThat(index.get("a/b")).isEqualTo(7);
        assertThat(index.remove("a/b")).isEqualTo(7);
        assertThat(index.isEmpty()).isTrue();
        assertThat(match(index, "#")).isEmpty();
        List<String> all = new ArrayList<>();
        index.forEach((t, v) -> all.add(t));
        assertThat(all).isEmpty();
    }

    @Test
    void aTopicThousandsOfLevelsDeepIsMatchedWithoutRecursion() {
        String deep = "x/".repeat(20_000) + "end";
        TopicIndex<Integer> index = mqtt(deep);
        assertThat(match(index, "#")).containsOnlyKeys(deep);
        assertThat(match(index, "x/#")).containsOnlyKeys(deep);
    }

    @Test
    void amqpMultiWordWildcardsAnywhereReportEachTopicOnce() {
        TopicIndex<Integer> index = new TopicIndex<>(TopicSyntax.AMQP);
        index.put("a.b.a.b", 1);
        index.put("a.b", 2);
        index.put("$x.b", 3);
        assertThat(match(index, "#.b.#")).containsOnlyKeys("a.b.a.b", "a.b", "$x.b");
        assertThat(match(index, "*.b")).containsOnlyKeys("a.b", "$x.b");
    }
}
