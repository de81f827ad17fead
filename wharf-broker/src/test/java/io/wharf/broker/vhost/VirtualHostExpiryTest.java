package io.wharf.broker.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.broker.queue.QueueConsumer;
import io.wharf.broker.queue.QueueManager;
import io.wharf.broker.queue.QueueMessage;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x-expires}, and {@link VirtualHost#changeExpiry} (what MQTT session expiry needs). */
class VirtualHostExpiryTest {
    @TempDir
    Path dir;

    /** Records the queue definitions saved. */
    private static final class Recording implements DefinitionStore {
        final List<QueueDefinition> saved = new CopyOnWriteArrayList<>();
        @Override public Definitions load(String vhost) { return new Definitions(List.of(), List.of(), List.of()); }
        @Override public void saveExchange(String vhost, ExchangeDefinition exchange) { }
        @Override public void deleteExchange(String vhost, String exchange) { }
        @Override public void saveQueue(String vhost, QueueDefinition queue) { saved.add(queue); }
        @Override public void deleteQueue(String vhost, String queue) { }
        @Override public void saveBinding(String vhost, Binding binding) { }
        @Override public void deleteBinding(String vhost, Binding binding) { }
        @Override public void deleteVhost(String vhost) { }
    }

    private static final QueueConsumer IDLE = new QueueConsumer() {
        @Override public long ownerId() { return 1; }
        @Override public boolean autoAck() { return false; }
        @Override public boolean reserveCredit() { return false; }
        @Override public void deliver(MessageQueue queue, QueueMessage message) { }
    };

    @Test
    void aChangedExpiryIsStoredAndTakesOverFromTheOldOne() throws Exception {
        try (LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
             QueueManager queues = started(logs)) {
            Recording store = new Recording();
            VirtualHost vhost = new VirtualHost("/", queues, store, null);
            vhost.declareQueue(new QueueDefinition("s", true, false, 0, Map.of("x-expires", 50L)), 0);
            VirtualHost.LiveQueue changed = vhost.changeExpiry("s", 3_600_000L);
            assertThat(changed.definition().arguments()).containsEntry("x-expires", 3_600_000L);
            assertThat(store.saved).last().isEqualTo(changed.definition());
            // The first definition's 50 ms are over long before the new hour.
            vhost.declareQueue(new QueueDefinition("marker", false, false, 0, Map.of("x-expires", 200L)), 0);
            awaitGone(vhost, "marker");
            assertThat(vhost.queue("s")).isNotNull();

            vhost.changeExpiry("s", 1L);
            awaitGone(vhost, "s");
        }
    }

    @Test
    void aQueueInUseDoesNotExpireAndItsClockStartsWhenTheLastConsumerGoes() throws Exception {
        try (LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
             QueueManager queues = started(logs)) {
            VirtualHost vhost = new VirtualHost("/", queues, new Recording(), null);
            VirtualHost.LiveQueue q = vhost.declareQueue(new QueueDefinition("used", false, false, 0, Map.of("x-expires", 100L)), 0);
            q.queue().addConsumer(IDLE);
            vhost.declareQueue(new QueueDefinition("marker", false, false, 0, Map.of("x-expires", 400L)), 0);
            awaitGone(vhost, "marker");
            assertThat(vhost.queue("used")).isNotNull();
            q.queue().removeConsumer(IDLE);
            awaitGone(vhost, "used");
        }
    }

    @Test
    void removingTheExpiryKeepsTheQueue() throws Exception {
        try (LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
             QueueManager queues = started(logs)) {
            VirtualHost vhost = new VirtualHost("/", queues, new Recording(), null);
            vhost.declareQueue(new QueueDefinition("s", true, false, 0, Map.of("x-expires", 100L)), 0);
            assertThat(vhost.changeExpiry("s", -1).definition().arguments()).doesNotContainKey("x-expires");
            vhost.declareQueue(new QueueDefinition("marker", false, false, 0, Map.of("x-expires", 300L)), 0);
            awaitGone(vhost, "marker");
            assertThat(vhost.queue("s")).isNotNull();
        }
    }

    private static void awaitGone(VirtualHost vhost, String queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (vhost.queue(queue) != null) {
            assertThat(System.nanoTime()).as("queue %s expired within 10 s", queue).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static QueueManager started(LogManager logs) {
        logs.startup();
        return new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE);
    }
}
