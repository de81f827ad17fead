package io.wharf.server.config;

import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do with supplied keys the configuration table does not define.
 *
 * <p>Kafka only warns about unknown keys, because plugins read keys the broker does not know; Wharf does
 * the same, with one exception: a key that is almost a known key is a typo, and a typo that silently
 * leaves a setting at its default (seven days of retention instead of one) is worse than a failed
 * start-up. So a near miss is an error that suggests the intended key, anything else is a warning.
 *
 * <p>Real Kafka broker keys that Wharf has no use for are listed so that a server.properties copied from
 * Kafka starts: they are reported as unused, never mistaken for typos of a key Wharf knows.
 */
final class UnknownKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);

    /** Keys for tests and experiments; ignored without a word. */
    static final String INTERNAL_PREFIX = "wharf.internal.";

    /** Two edits (a dropped letter and a swapped pair) cover most typos of keys this long. */
    private static final int MAX_TYPO_DISTANCE = 2;

    /** A truncated key ("zookeeper.session.timeout") shorter than this is too vague to guess from. */
    private static final int MIN_TRUNCATION_LENGTH = 8;

    static final Set<String> KAFKA_KEYS_NOT_USED = Set.of(
            "listener.security.protocol.map", "inter.broker.listener.name", "control.plane.listener.name",
            "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "socket.listen.backlog.size",
            "num.recovery.threads.per.data.dir", "num.replica.fetchers", "background.threads",
            "log.preallocate",
            "log.message.timestamp.type", "log.message.format.version",
            "log.flush.start.offset.checkpoint.interval.ms", "log.dir.failure.timeout.ms",
            "log.cleaner.threads", "log.cleaner.dedupe.buffer.size", "log.cleaner.io.buffer.size",
            "log.cleaner.io.buffer.load.factor", "log.cleaner.io.max.bytes.per.second",
            "log.cleaner.min.compaction.lag.ms",
            "unclean.leader.election.enable", "auto.leader.rebalance.enable",
            "offsets.topic.segment.bytes", "offsets.commit.timeout.ms",
            "transaction.state.log.segment.bytes",
            "replica.lag.time.max.ms", "replica.fetch.max.bytes", "replica.socket.timeout.ms",
            "controlled.shutdown.enable", "broker.rack", "broker.id.generation.enable", "reserved.broker.max.id",
            "zookeeper.set.acl", "zookeeper.max.in.flight.requests",
            "process.roles", "node.id", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "controller.listener.names", "metadata.log.dir");

    private UnknownKeys() {
    }

    /**
     * Sorts the supplied keys that {@code known} does not define into typos (an error) and keys to ignore
     * (a warning, or nothing for {@value #INTERNAL_PREFIX} keys).
     *
     * @return the ignored keys, sorted
     * @throws ConfigException for the first unknown key, in sorted order, that is close to a known key
     */
    static SortedSet<String> check(Collection<String> supplied, Set<String> known) {
        SortedSet<String> ignored = new TreeSet<>();
        for (String key : new TreeSet<>(supplied)) {
            if (known.contains(key)) continue;
            if (key.startsWith(INTERNAL_PREFIX)) {
                ignored.add(key);
            } else if (KAFKA_KEYS_NOT_USED.contains(key)) {
                LOG.warn("Configuration key '{}' is a Kafka broker setting that Wharf does not use; ignored", key);
                ignored.add(key);
            } else {
                Optional<String> intended = nearest(key, known);
                if (intended.isPresent()) {
                    throw new ConfigException(key, "Unknown configuration key '" + key + "'; did you mean '"
                            + intended.get() + "'?");
                }
                LOG.warn("Unknown configuration key '{}' ignored", key);
                ignored.add(key);
            }
        }
        return Collections.unmodifiableSortedSet(ignored);
    }

    /**
     * The known key {@code unknown} most likely stands for: within {@value #MAX_TYPO_DISTANCE} edits
     * (ignoring case), or one it is the beginning of. Of several, the fewest edits wins, then table order.
     */
    static Optional<String> nearest(String unknown, Collection<String> known) {
        String probe = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(probe, candidate.toLowerCase(Locale.ROOT));
            boolean truncated = probe.length() >= MIN_TRUNCATION_LENGTH && candidate.startsWith(probe);
            if ((distance <= MAX_TYPO_DISTANCE || truncated) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Edit distance where inserting, deleting or replacing a character, or swapping two adjacent ones,
     * costs one (optimal string alignment). Swaps count once because "retnetion" is one slip, not two.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
