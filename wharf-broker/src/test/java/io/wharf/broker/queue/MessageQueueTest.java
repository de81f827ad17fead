package io.wharf.broker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue on real log files: journal recovery, requeue order, and a backlog that stays on disk. */
class MessageQueueTest {
    @TempDir
    Path dir;

    private LogManager logs() {
        LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        return logs;
    }

    private static Message message(String body, boolean persistent) {
        return new Message("", "q", new byte[0], body.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(),
            persistent, Message.NO_EXPIRATION, Message.NO_PRIORITY, null);
    }

    private static String body(QueueMessage m) {
        return new String(m.message().body(), StandardCharsets.UTF_8);
    }

    @Test
    void aReopenedDurableQueueForgetsNothingUnsettledAndRedeliversNothingSettled() throws Exception {
        QueueName name = new QueueName("/", "orders");
        QueueSettings durable = QueueSettings.plain(true, false);
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(name, durable, DeadLetterSink.DISCARD);
            for (int i = 0; i < 10; i++) q.enqueue(message("m" + i, true)).get();
            List<QueueMessage> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) got.add(q.get(1, false).orElseThrow());
            // Settle 0-2 and 4 (out of order); 3 and 5 stay unacknowledged.
            q.ack(new long[] {got.get(4).offset(), got.get(0).offset(), got.get(2).offset(), got.get(1).offset()}, 4);
        }
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            queues.deleteOrphans(Set.of(name));
            MessageQueue q = queues.open(name, durable, DeadLetterSink.DISCARD);
            assertThat(q.messageCount()).isEqualTo(6);
            List<String> bodies = new ArrayList<>();
            QueueMessage m;
            while ((m = q.get(2, true).orElse(null)) != null) bodies.add(body(m));
            assertThat(bodies).containsExactly("m3", "m5", "m6", "m7", "m8", "m9");
        }
    }

    @Test
    void requeuedMessagesComeBackFirstAndMarkedRedelivered() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(new QueueName("/", "jobs"), QueueSettings.plain(false, false), DeadLetterSink.DISCARD);
            for (int i = 0; i < 3; i++) q.enqueue(message("j" + i, false));
            QueueMessage j0 = q.get(7, false).orElseThrow();
            q.get(7, false).orElseThrow();
            assertThat(q.requeueAll(7)).isEqualTo(2);
            QueueMessage again = q.get(8, true).orElseThrow();
            assertThat(again.offset()).isEqualTo(j0.offset());
            assertThat(again.redelivered()).isTrue();
            assertThat(body(q.get(8, true).orElseThrow())).isEqualTo("j1");
            QueueMessage fresh = q.get(8, true).orElseThrow();
            assertThat(body(fresh)).isEqualTo("j2");
            assertThat(fresh.redelivered()).isFalse();
        }
    }

    @Test
    void aDeepBacklogIsReadBackFromDiskInOrder() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(new QueueName("/", "deep"), QueueSettings.plain(false, false), DeadLetterSink.DISCARD);
            String padding = "x".repeat(1000);
            int n = 5000; // ~5 MB: well past the in-memory window, so most are read back from the log
            for (int i = 0; i < n; i++) q.enqueue(message(i + ":" + padding, false));
            assertThat(q.messageCount()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                String b = body(q.get(1, true).orElseThrow());
                assertThat(b.substring(0, b.indexOf(':'))).isEqualTo(Integer.toString(i));
            }
            assertThat(q.get(1, true)).isEmpty();
        }
    }

    @Test
    void aDurableQueueReopenedAfterARestartKeepsItsOwnLogSettingsNotTheBrokerDefaults() throws Exception {
        QueueName name = new QueueName("/", "kept");
        QueueSettings durable = QueueSettings.plain(true, false);
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            queues.open(name, durable, DeadLetterSink.DISCARD).enqueue(message("m", true)).get();
        }
        // The restart loads the queue's log from disk with the broker's defaults (7 days of retention).
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            var loaded = logs.getLog(new io.wharf.log.LogId(name.logName(), 0)).orElseThrow();
            assertThat(loaded.config().retentionMs()).as("as loaded").isEqualTo(LogConfig.defaults().retentionMs());
            queues.deleteOrphans(Set.of(name));
            queues.open(name, durable, DeadLetterSink.DISCARD);
            assertThat(loaded.config().retentionMs()).as("a queue keeps its messages until settled").isEqualTo(-1);
            assertThat(loaded.config().retentionBytes()).isEqualTo(-1);
            assertThat(loaded.config().maxMessageBytes()).isEqualTo(Integer.MAX_VALUE);
        }
    }
}
