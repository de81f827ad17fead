package io.wharf.broker.vhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.broker.queue.QueueFullException;
import io.wharf.broker.queue.QueueManager;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VirtualHost#publish}: route, append to every queue reached, one future for all of them. */
class VirtualHostPublishTest {
    @TempDir
    Path dir;

    /** Keeps nothing: the queues under test are transient. */
    private static final DefinitionStore NOWHERE = new DefinitionStore() {
        @Override public Definitions load(String vhost) { return new Definitions(List.of(), List.of(), List.of()); }
        @Override public void saveExchange(String vhost, ExchangeDefinition exchange) { }
        @Override public void deleteExchange(String vhost, String exchange) { }
        @Override public void saveQueue(String vhost, QueueDefinition queue) { }
        @Override public void deleteQueue(String vhost, String queue) { }
        @Override public void saveBinding(String vhost, Binding binding) { }
        @Override public void deleteBinding(String vhost, Binding binding) { }
        @Override public void deleteVhost(String vhost) { }
    };

    private static Message message(String routingKey, String body) {
        return new Message("amq.topic", routingKey, new byte[0], body.getBytes(StandardCharsets.UTF_8),
            System.currentTimeMillis(), false, Message.NO_EXPIRATION, Message.NO_PRIORITY, null);
    }

    private static QueueDefinition queue(String name, Map<String, Object> arguments) {
        return new QueueDefinition(name, false, false, 0, arguments);
    }

    @Test
    void aPublishReachesEveryBoundQueueOnceAndCountsThem() throws Exception {
        try (LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
             QueueManager queues = startedQueues(logs)) {
            VirtualHost vhost = new VirtualHost("/", queues, NOWHERE, null); // no x-kafka exchange here
            VirtualHost.LiveQueue a = vhost.declareQueue(queue("a", Map.of()), 0);
            VirtualHost.LiveQueue b = vhost.declareQueue(queue("b", Map.of()), 0);
            vhost.bind(new Binding("amq.topic", Destination.queue("a"), "sensors.*.temp", Map.of()), 0);
            vhost.bind(new Binding("amq.topic", Destination.queue("a"), "sensors.#", Map.of()), 0);
            vhost.bind(new Binding("amq.topic", Destination.queue("b"), "sensors.#", Map.of()), 0);
            Exchange topic = vhost.requireExchange("amq.topic");

            assertThat(vhost.publish(topic, message("sensors.k1.temp", "21.5")).get()).isEqualTo(2);
            assertThat(vhost.publish(topic, message("lights.on", "x")).get()).isZero();

            assertThat(a.queue().messageCount()).isEqualTo(1);
            assertThat(b.queue().messageCount()).isEqualTo(1);
            assertThat(new String(a.queue().get(1, true).orElseThrow().message().body(), StandardCharsets.UTF_8))
                .isEqualTo("21.5");
        }
    }

    @Test
    void aQueueThatRefusesTheMessageFailsTheFutureAfterTheOthersStoredIt() throws Exception {
        try (LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
             QueueManager queues = startedQueues(logs)) {
            VirtualHost vhost = new VirtualHost("/", queues, NOWHERE, null); // no x-kafka exchange here
            vhost.declareQueue(queue("full", Map.of("x-max-length", 0L, "x-overflow", "reject-publish")), 0);
            VirtualHost.LiveQueue open = vhost.declareQueue(queue("open", Map.of()), 0);
            vhost.bind(new Binding("amq.topic", Destination.queue("full"), "#", Map.of()), 0);
            vhost.bind(new Binding("amq.topic", Destination.queue("open"), "#", Map.of()), 0);

            var stored = vhost.publish(vhost.requireExchange("amq.topic"), message("a.b", "m"));

            assertThatThrownBy(stored::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(QueueFullException.class);
            assertThat(open.queue().messageCount()).isEqualTo(1);
        }
    }

    private static QueueManager startedQueues(LogManager logs) {
        logs.startup();
        return new QueueManager(logs, LogConfig.defaults(), PropertiesCodec.NONE);
    }
}
