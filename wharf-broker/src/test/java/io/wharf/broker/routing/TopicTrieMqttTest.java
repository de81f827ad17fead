package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MQTT §4.7 topic matching, with the specification's own examples first. */
class TopicTrieMqttTest {

    @ParameterizedTest(name = "filter \"{0}\", topic \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        sport/tennis/player1/#  | sport/tennis/player1                  | true
        sport/tennis/player1/#  | sport/tennis/player1/ranking          | true
        sport/tennis/player1/#  | sport/tennis/player1/score/wimbledon  | true
        sport/#                 | sport                                 | true
        sport/#                 | sport/                                | true
        sport/#                 | sport/tennis/x                        | true
        sport/#                 | sports                                | false
        sport/#                 | /sport                                | false
        '#'                     | sport                                 | true
        '#'                     | /                                     | true
        '#'                     | a/b/c                                 | true
        sport/tennis/+          | sport/tennis/player1                  | true
        sport/tennis/+          | sport/tennis/player2                  | true
        sport/tennis/+          | sport/tennis/player1/ranking          | false
        sport/+                 | sport                                 | false
        sport/+                 | sport/                                | true
        +                       | finance                               | true
        +                       | /finance                              | false
        +                       | /                                     | false
        +/+                     | /finance                              | true
        +/+                     | /                                     | true
        /+                      | /finance                              | true
        /                       | /                                     | true
        +/tennis/#              | sport/tennis/x                        | true
        +/tennis/#              | sport/tennis                          | true
        +/tennis/#              | sport/golf                            | false
        sport/tennis            | sport/tennis/                         | false
        sport/tennis            | sport/tennis                          | true
        Sport                   | sport                                 | false
        '#'                     | $SYS/broker                           | false
        '#'                     | $SYS                                  | false
        +                       | $SYS                                  | false
        +/broker                | $SYS/broker                           | false
        +/monitor/Clients       | $SYS/monitor/Clients                  | false
        $SYS/#                  | $SYS/broker                           | true
        $SYS/#                  | $SYS                                  | true
        $SYS/+                  | $SYS/broker                           | true
        $SYS/monitor/+          | $SYS/monitor/Clients                  | true
        a/+/#                   | a/$x/y                                | true
        +/$x                    | a/$x                                  | true
        """)
    void routesAsTheSpecificationSays(String filter, String topic, boolean matches) {
        TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.MQTT);
        trie.add(filter, "s");
        assertThat(trie.match(topic)).isEqualTo(matches ? Set.of("s") : Set.of());
        List<String> pairs = new ArrayList<>();
        trie.matchPairs(topic, (f, destination) -> pairs.add(f + "->" + destination));
        assertThat(pairs).isEqualTo(matches ? List.of(filter + "->s") : List.of());
    }

    @Test
    void refusesAnInvalidFilterAndStaysUnchanged() {
        TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.MQTT);
        for (String filter : List.of("sp+rt", "sport/#/x", "sport#", "")) {
            assertThatThrownBy(() -> trie.add(filter, "s"))
                .as(filter)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + filter + "'");
        }
        assertThat(trie.isEmpty()).isTrue();
        assertThat(trie.nodeCount()).isEqualTo(1);
    }

    @Test
    void aDollarTopicIsMatchedOnlyByAFilterStartingWithItsLiteralLevel() {
        TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.MQTT);
        trie.add("#", "everything");
        trie.add("+/broker/#", "wild-first-level");
        trie.add("$SYS/#", "sys");
        trie.add("$SYS/broker/+", "sys-broker");
        assertThat(trie.match("$SYS/broker/uptime")).containsExactlyInAnyOrder("sys", "sys-broker");
        assertThat(trie.match("SYS/broker/uptime")).containsExactlyInAnyOrder("everything", "wild-first-level");
    }

    /** Routing never validates: an empty or wildcard-bearing topic name is the protocol layer's to refuse. */
    @Test
    void matchingAnInvalidTopicNameDoesNotFail() {
        TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.MQTT);
        trie.add("#", "everything");
        trie.add("a/+", "a-child");
        assertThat(trie.match("")).containsExactly("everything");
        assertThat(trie.match("a/+")).containsExactlyInAnyOrder("everything", "a-child");
    }
}
