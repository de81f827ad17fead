package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RabbitMQ's topic exchange rules: {@code *} one word, {@code #} zero or more anywhere, the empty routing key is zero
 * words, empty words elsewhere are words. {@code ''} is the empty string.
 */
class TopicTrieAmqpTest {

    @ParameterizedTest(name = "binding \"{0}\", routing key \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        '#'        | ''        | true
        '#'        | a         | true
        '#'        | a.b.c     | true
        '#'        | .         | true
        ''         | ''        | true
        ''         | a         | false
        ''         | .         | false
        *          | ''        | false
        *          | a         | true
        *          | a.b       | false
        *          | .         | false
        *.*        | .         | true
        a          | a         | true
        a          | a.b       | false
        a          | b         | false
        a          | A         | false
        a.b        | a.b       | true
        a.b        | a.b.      | false
        a.#        | a         | true
        a.#        | a.b       | true
        a.#        | a.b.c     | true
        a.#        | ab        | false
        a.#        | b.a       | false
        '#.a'      | a         | true
        '#.a'      | x.y.a     | true
        '#.a'      | a.x       | false
        a.#.b      | a.b       | true
        a.#.b      | a.x.b     | true
        a.#.b      | a.x.y.b   | true
        a.#.b      | a.b.b     | true
        a.#.b      | a.b.c     | false
        a.*.b      | a..b      | true
        a.*.b      | a.b       | false
        a.*        | a.        | true
        a.*        | a         | false
        a.         | a.        | true
        a.         | a         | false
        ..         | ..        | true
        ..         | .         | false
        *.b.#      | a.b       | true
        '#.#'      | ''        | true
        '#.#'      | a.b       | true
        '#.*'      | ''        | false
        '#.*'      | a         | true
        '#.*.#'    | a.b.c     | true
        *.#        | ''        | false
        *.#        | a         | true
        a.*.c.#    | a.b.c     | true
        a.*.c.#    | a.b.c.d   | true
        a.*.c.#    | a.b       | false
        '#.a.#'    | a         | true
        '#.a.#'    | b.a.b     | true
        '#.a.#'    | b.b       | false
        a*         | ab        | false
        a*         | a*        | true
        a#         | a.b       | false
        a.*        | a.*       | true
        a.b        | a.*       | false
        """)
    void routesAsRabbitMq(String binding, String routingKey, boolean matches) {
        TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.AMQP);
        trie.add(binding, "q");
        assertThat(trie.match(routingKey)).isEqualTo(matches ? Set.of("q") : Set.of());
        List<String> pairs = new ArrayList<>();
        trie.matchPairs(routingKey, (filter, destination) -> pairs.add(filter + "->" + destination));
        assertThat(pairs).isEqualTo(matches ? List.of(binding + "->q") : List.of());
    }
}
