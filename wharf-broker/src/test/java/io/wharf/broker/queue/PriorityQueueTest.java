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

/** Priority queues (a lane per priority, on real logs) and consumer priorities. */
class PriorityQueueTest {
    @TempDir
    Path dir;

    private static final QueueName NAME = new QueueName("/", "tasks");

    private LogManager logs() {
        LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        return logs;
    }

    private static QueueSettings priorities(boolean durable, int max) {
        QueueSettings plain = QueueSettings.plain(durable, false);
        return new QueueSettings(durable, false, -1, -1, -1, -1, plain.overflow(), null, null, max, false);
    }

    private static Message message(String body, int priority) {
        return new Message("", "tasks", new byte[0], body.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(),
            true, Message.NO_EXPIRATION, priority, null);
    }

    private static String body(QueueMessage m) {
        return new String(m.message().body(), StandardCharsets.UTF_8);
    }

    private static List<String> drain(MessageQueue q) {
        List<String> out = new ArrayList<>();
        QueueMessage m;
        while ((m = q.get(1, true).orElse(null)) != null) out.add(body(m));
        return out;
    }

    @Test
    void theHighestPriorityGoesFirstAndEachPriorityInArrivalOrder() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(NAME, priorities(false, 5), DeadLetterSink.DISCARD);
            q.enqueue(List.of(message("a0", 0), message("b5", 5), message("c2", 2), message("d-none", Message.NO_PRIORITY),
                message("e9", 9), message("f2", 2))).get();
            assertThat(q.messageCount()).isEqualTo(6);
            // 9 is above the maximum: it counts as 5; no priority counts as 0.
            assertThat(drain(q)).containsExactly("b5", "e9", "c2", "f2", "a0", "d-none");
        }
    }

    @Test
    void aDurablePriorityQueueKeepsItsUnsettledMessagesAndTheirOrderAcrossAReopen() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(NAME, priorities(true, 3), DeadLetterSink.DISCARD);
            for (int i = 0; i < 4; i++) q.enqueue(message("p" + (i % 4) + "-" + i, i % 4)).get();
            q.enqueue(message("p3-again", 3)).get();
            QueueMessage first = q.get(1, false).orElseThrow();
            QueueMessage second = q.get(1, false).orElseThrow();
            assertThat(List.of(body(first), body(second))).containsExactly("p3-3", "p3-again");
            q.ack(new long[] {first.offset()}, 1); // the second stays unacknowledged
        }
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            queues.deleteOrphans(Set.of(NAME));
            MessageQueue q = queues.open(NAME, priorities(true, 3), DeadLetterSink.DISCARD);
            assertThat(q.messageCount()).isEqualTo(4);
            assertThat(drain(q)).containsExactly("p3-again", "p2-2", "p1-1", "p0-0");
        }
    }

    @Test
    void deletingAPriorityQueueRemovesEveryLanesLogs() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(NAME, priorities(true, 2), DeadLetterSink.DISCARD);
            q.enqueue(message("x", 1)).get();
            assertThat(logs.allLogs().keySet()).filteredOn(id -> id.name().startsWith(NAME.logName())).hasSize(3 * 2);
            queues.delete(q);
            assertThat(logs.allLogs().keySet()).filteredOn(id -> id.name().startsWith(NAME.logName())).isEmpty();
        }
    }

    /** A consumer that takes up to {@code credit} messages and records them. */
    private static final class Taker implements QueueConsumer {
        private final long owner = QueueOwners.next();
        private final int priority;
        private int credit;
        final List<String> got = new ArrayList<>();

        Taker(int priority, int credit) {
            this.priority = priority;
            this.credit = credit;
        }

        @Override public long ownerId() { return owner; }
        @Override public boolean autoAck() { return true; }
        @Override public int priority() { return priority; }

        @Override
        public boolean reserveCredit() {
            if (credit == 0) return false;
            credit--;
            return true;
        }

        @Override public void creditUnused() { credit++; }

        @Override
        public void deliver(MessageQueue queue, QueueMessage message) { got.add(body(message)); }
    }

    @Test
    void higherPriorityConsumersTakeTurnsFirstAndLowerOnesGetWhatTheyCannotTake() throws Exception {
        try (LogManager logs = logs(); QueueManager queues = new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE)) {
            MessageQueue q = queues.open(NAME, QueueSettings.plain(false, false), DeadLetterSink.DISCARD);
            Taker low = new Taker(0, 100);
            Taker highA = new Taker(10, 2);
            Taker highB = new Taker(10, 2);
            q.addConsumer(low);
            q.addConsumer(highA);
            q.addConsumer(highB);
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 7; i++) batch.add(message("m" + i, Message.NO_PRIORITY));
            q.enqueue(batch).get();
            assertThat(highA.got).containsExactly("m0", "m2");
            assertThat(highB.got).containsExactly("m1", "m3");
            assertThat(low.got).containsExactly("m4", "m5", "m6");
        }
    }
}
