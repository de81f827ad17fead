package io.wharf.broker.retained;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.message.HeadersDecoder;
import io.wharf.broker.message.Message;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retained messages on real log files: replace, clear, expiry, and what a restart brings back. */
class RetainedStoreTest {
    private static final String LOG_NAME = "retained~test";
    /** Cleaned segments are deleted at once, so that closing the log manager does not wait for them. */
    private static final LogConfig CONFIG = LogConfig.builder().fileDeleteDelayMs(0).build();

    @TempDir
    Path dir;

    private LogManager logs() {
        LogManager logs = new LogManager(List.of(dir), CONFIG, LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        return logs;
    }

    private static RetainedStore open(LogManager logs) {
        return RetainedStore.open(logs, LOG_NAME, TopicSyntax.MQTT, CONFIG, HeadersDecoder.NONE);
    }

    private static Message message(String body, boolean persistent, long timestamp, long expirationMs) {
        return new Message("amq.topic", "rk." + body, new byte[] {1, 2, 3}, body.getBytes(StandardCharsets.UTF_8),
            timestamp, persistent, expirationMs, Message.NO_PRIORITY, null);
    }

    private static Message message(String body) {
        return message(body, true, System.currentTimeMillis(), Message.NO_EXPIRATION);
    }

    private static Map<String, String> bodies(List<RetainedStore.Retained> found) {
        Map<String, String> m = new TreeMap<>();
        for (RetainedStore.Retained r : found) m.put(r.topic(), new String(r.message().body(), StandardCharsets.UTF_8));
        return m;
    }

    @Test
    void aRestartBringsBackTheLastMessageOfEachTopicAndNothingCleared() throws Exception {
        long now = System.currentTimeMillis();
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            store.retain("home/kitchen/temp", message("20")).get();
            store.retain("home/kitchen/temp", message("21")).get();
            store.retain("home/hall/temp", message("18")).get();
            store.retain("home/attic/temp", message("9")).get();
            store.retain("home/attic/temp", message("")).get(); // an empty body clears
            store.retain("never/there", message("")).get();
            assertThat(bodies(store.matching("home/+/temp", now)))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("home/hall/temp", "18", "home/kitchen/temp", "21")));
        }
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(store.size()).isEqualTo(2);
            List<RetainedStore.Retained> found = store.matching("home/#", now);
            assertThat(bodies(found))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("home/hall/temp", "18", "home/kitchen/temp", "21")));
            Message m = store.get("home/kitchen/temp").orElseThrow();
            assertThat(m.exchange()).isEqualTo("amq.topic");
            assertThat(m.routingKey()).isEqualTo("rk.21");
            assertThat(m.properties()).containsExactly(1, 2, 3);
            assertThat(m.persistent()).isTrue();
        }
    }

    @Test
    void anExpiredMessageIsNeverReturnedAndIsGoneAfterARestart() throws Exception {
        long now = System.currentTimeMillis();
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            store.retain("a/old", message("old", true, now - 10_000, 5_000)).get();
            store.retain("a/fresh", message("fresh", true, now, 60_000)).get();
            store.retain("a/later", message("later", true, now, 60_000)).get();
            assertThat(bodies(store.matching("a/#", now))).containsOnlyKeys("a/fresh", "a/later");
            assertThat(store.size()).isEqualTo(2);
        }
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(bodies(store.matching("a/#", now))).containsOnlyKeys("a/fresh", "a/later");
            // Expired while the broker was down: dropped by the load itself.
            assertThat(bodies(store.matching("a/#", now + 120_000))).isEmpty();
        }
    }

    @Test
    void inMemoryMessagesAreServedButNotKeptAndReplaceADurableOne() throws Exception {
        long now = System.currentTimeMillis();
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            store.retain("$SYS/broker/uptime", message("durable")).get();
            store.retainInMemory("$SYS/broker/uptime", message("1 seconds", false, now, Message.NO_EXPIRATION));
            store.retainInMemory("$SYS/broker/version", message("v", false, now, Message.NO_EXPIRATION));
            assertThat(bodies(store.matching("$SYS/#", now)))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("$SYS/broker/uptime", "1 seconds", "$SYS/broker/version", "v")));
            assertThat(store.matching("#", now)).isEmpty();
        }
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void aTransientMessageIsRetainedAtOnceAndSurvivesAnOrderlyRestart() throws Exception {
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(store.retain("q0/topic", message("x", false, System.currentTimeMillis(), -1)).isDone()).isTrue();
        }
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(store.get("q0/topic")).isPresent();
        }
    }

    @Test
    void compactionKeepsOnlyTheLastRecordOfEachTopic() throws Exception {
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            for (int i = 0; i < 100; i++) store.retain("t/" + (i % 5), message("v" + i)).get();
            store.retain("t/0", message("")).get();
            store.log().log().roll();
            logs.compactNow();
            int[] records = {0};
            store.log().replay((topic, record) -> records[0]++);
            // t/1..t/4 and t/0's tombstone (kept until delete.retention.ms) remain.
            assertThat(records[0]).isEqualTo(5);
        }
        try (LogManager logs = logs(); RetainedStore store = open(logs)) {
            assertThat(bodies(store.matching("t/+", System.currentTimeMillis())))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("t/1", "v96", "t/2", "v97", "t/3", "v98", "t/4", "v99")));
        }
    }
}
