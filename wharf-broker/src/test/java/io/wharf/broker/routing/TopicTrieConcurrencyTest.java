package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Readers match while a writer binds and unbinds around them — on the very filters the readers' topic matches, so
 * that destination arrays grow, get holes and are repacked, word tables resize, and nodes are pruned and recreated
 * under the readers. Pairs that are never removed must be seen by every match, each destination once.
 */
class TopicTrieConcurrencyTest {
    private static final int READERS = 3;
    private static final int WRITES = 30_000;

    @ParameterizedTest
    @EnumSource(TopicSyntax.class)
    void matchesSeeEveryPairThatStaysBoundWhileWritersChurn(TopicSyntax syntax) throws Exception {
        String s = String.valueOf(syntax.separator());
        String exact = "a" + s + "b" + s + "c";
        String oneWord = "a" + s + syntax.oneWordWildcard() + s + "c";
        String anyWords = "a" + s + syntax.anyWordsWildcard();
        List<String> stableFilters = List.of(exact, oneWord, anyWords);
        TopicTrie<String> trie = new TopicTrie<>(syntax);
        Set<String> stablePairs = new HashSet<>();
        for (String filter : stableFilters) {
            trie.add(filter, "stable-" + filter);
            trie.add(filter, "stable-shared");
            stablePairs.add(filter + "->stable-" + filter);
            stablePairs.add(filter + "->stable-shared");
        }
        Set<String> stableDestinations = Set.of("stable-" + exact, "stable-" + oneWord, "stable-" + anyWords,
            "stable-shared");

        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch readersStarted = new CountDownLatch(READERS);
        CountDownLatch readersSawChurn = new CountDownLatch(READERS);
        AtomicLong matches = new AtomicLong();
        Thread[] readers = new Thread[READERS];
        Thread writer = new Thread(() -> churn(trie, syntax, stableFilters, readersStarted, readersSawChurn, failure),
            "routing-writer");
        for (int r = 0; r < READERS; r++) {
            readers[r] = new Thread(() -> {
                boolean started = false;
                boolean sawChurn = false;
                List<String> destinations = new ArrayList<>();
                Set<String> pairs = new HashSet<>();
                try {
                    while (writer.isAlive() || readersStarted.getCount() > 0) {
                        destinations.clear();
                        pairs.clear();
                        trie.match(exact, destinations::add);
                        trie.matchPairs(exact, (filter, destination) -> pairs.add(filter + "->" + destination));
                        assertThat(Set.copyOf(destinations)).containsAll(stableDestinations);
                        assertThat(destinations).doesNotHaveDuplicates();
                        assertThat(pairs).containsAll(stablePairs);
                        matches.incrementAndGet();
                        if (!started) {
                            started = true;
                            readersStarted.countDown();
                        }
                        if (!sawChurn && destinations.contains("churn-marker")) {
                            sawChurn = true;
                            readersSawChurn.countDown();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    // Release the writer at once rather than after its timeouts.
                    readersStarted.countDown();
                    readersSawChurn.countDown();
                }
            }, "routing-reader-" + r);
        }
        writer.start();
        for (Thread reader : readers) {
            reader.start();
        }
        writer.join(TimeUnit.MINUTES.toMillis(2));
        for (Thread reader : readers) {
            reader.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(failure.get()).as("first failure on any thread").isNull();
        assertThat(writer.isAlive()).isFalse();
        assertThat(readers).noneMatch(Thread::isAlive);
        assertThat(matches.get()).isGreaterThanOrEqualTo(READERS);
        assertThat(trie.size()).as("only the stable pairs are left").isEqualTo(stablePairs.size());
        assertThat(trie.match(exact)).isEqualTo(stableDestinations);
    }

    /** Binds and unbinds destinations on the stable filters and on words beside them, then cleans up. */
    private static void churn(TopicTrie<String> trie, TopicSyntax syntax, List<String> stableFilters,
                              CountDownLatch readersStarted, CountDownLatch readersSawChurn,
                              AtomicReference<Throwable> failure) {
        String s = String.valueOf(syntax.separator());
        try {
            assertThat(readersStarted.await(1, TimeUnit.MINUTES)).as("readers started").isTrue();
            for (int i = 0; i < WRITES; i++) {
                String destination = "churn-" + (i % 97);
                String filter = switch (i % 5) {
                    case 0, 1 -> stableFilters.get(i % 3);
                    case 2 -> "a" + s + "b" + s + "x" + (i % 61);
                    case 3 -> "z" + (i % 211) + s + syntax.anyWordsWildcard();
                    default -> "a" + s + "b" + s + "c" + s + "d" + (i % 7);
                };
                trie.add(filter, destination);
                if (i % 3 != 0) {
                    trie.remove(filter, "churn-" + ((i + 31) % 97));
                }
                if (i % 1_000 == 999) {
                    trie.removeAll("churn-" + (i % 97));
                }
                if (i == WRITES / 2) {
                    // Make sure every reader matched while the writer was working, not only before or after.
                    trie.add(stableFilters.get(0), "churn-marker");
                    assertThat(readersSawChurn.await(1, TimeUnit.MINUTES)).as("readers saw churn").isTrue();
                    assertThat(failure.get()).isNull();
                }
            }
            trie.removeAll("churn-marker");
            for (int d = 0; d < 97; d++) {
                trie.removeAll("churn-" + d);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
