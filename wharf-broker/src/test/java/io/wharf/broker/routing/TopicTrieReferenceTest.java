package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many random filters in one trie against a plain recursive matcher written straight from the rules, so that the
 * trie's shortcuts (collapsed {@code #.#}, terminal {@code #}, single-filter fast path) cannot change an answer.
 */
class TopicTrieReferenceTest {
    private static final String[] FILTER_WORDS = {"a", "b", "", "$s", "*", "#"};
    private static final String[] TOPIC_WORDS = {"a", "b", "", "$s"};

    /** The rules, read off {@link TopicSyntax}'s comment, with no trie. */
    private static boolean matches(TopicSyntax syntax, String filter, String topic) {
        List<String> f = syntax.words(filter);
        List<String> t = syntax.words(topic);
        if (syntax.hidesDollarTopics() && topic.startsWith("$") && !f.isEmpty()
                && (syntax.isOneWord(f.get(0)) || syntax.isAnyWords(f.get(0)))) {
            return false;
        }
        return matches(syntax, f, 0, t, 0);
    }

    private static boolean matches(TopicSyntax syntax, List<String> f, int i, List<String> t, int j) {
        if (i == f.size()) {
            return j == t.size();
        }
        String word = f.get(i);
        if (syntax.isAnyWords(word)) {
            for (int k = j; k <= t.size(); k++) {
                if (matches(syntax, f, i + 1, t, k)) {
                    return true;
                }
            }
            return false;
        }
        if (j == t.size()) {
            return false;
        }
        return (syntax.isOneWord(word) || word.equals(t.get(j))) && matches(syntax, f, i + 1, t, j + 1);
    }

    private static String randomText(Random random, String[] alphabet, TopicSyntax syntax, int maxWords) {
        int words = random.nextInt(maxWords + 1);
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            String word = alphabet[random.nextInt(alphabet.length)];
            chosen.add(word.equals("*") ? syntax.oneWordWildcard() : word);
        }
        return String.join(String.valueOf(syntax.separator()), chosen);
    }

    @ParameterizedTest
    @EnumSource(TopicSyntax.class)
    void agreesWithThePlainMatcherOnRandomFiltersAndTopics(TopicSyntax syntax) {
        Random random = new Random(20_240_501L + syntax.ordinal());
        TopicTrie<String> trie = new TopicTrie<>(syntax);
        Set<String> boundPairs = new HashSet<>();
        while (boundPairs.size() < 400) {
            String filter = randomText(random, FILTER_WORDS, syntax, 5);
            try {
                syntax.validateFilter(filter);
            } catch (IllegalArgumentException invalid) {
                continue;
            }
            String destination = "d" + random.nextInt(12);
            assertThat(trie.add(filter, destination)).isEqualTo(boundPairs.add(filter + "\n" + destination));
        }
        // Unbind a third, so that the trie has been pruned as well as grown.
        List<String> toUnbind = new ArrayList<>(boundPairs).subList(0, boundPairs.size() / 3);
        for (String pair : List.copyOf(toUnbind)) {
            String[] parts = pair.split("\n", -1);
            assertThat(trie.remove(parts[0], parts[1])).isTrue();
            boundPairs.remove(pair);
        }
        assertThat(trie.size()).isEqualTo(boundPairs.size());

        for (int n = 0; n < 2_000; n++) {
            String topic = randomText(random, TOPIC_WORDS, syntax, 6);
            Set<String> expectedDestinations = new HashSet<>();
            List<String> expectedPairs = new ArrayList<>();
            for (String pair : boundPairs) {
                String[] parts = pair.split("\n", -1);
                if (matches(syntax, parts[0], topic)) {
                    expectedDestinations.add(parts[1]);
                    expectedPairs.add(parts[0] + "\n" + parts[1]);
                }
            }
            List<String> reported = new ArrayList<>();
            trie.match(topic, reported::add);
            assertThat(reported).as("destinations for topic \"%s\"", topic)
                .containsExactlyInAnyOrderElementsOf(expectedDestinations);
            List<String> pairs = new ArrayList<>();
            trie.matchPairs(topic, (filter, destination) -> pairs.add(filter + "\n" + destination));
            assertThat(pairs).as("pairs for topic \"%s\"", topic).containsExactlyInAnyOrderElementsOf(expectedPairs);
        }
    }
}
