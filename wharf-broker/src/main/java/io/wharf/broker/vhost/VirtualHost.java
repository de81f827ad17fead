package io.wharf.broker.vhost;

import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.exchange.ExchangeType;
import io.wharf.broker.message.Message;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.queue.QueueManager;
import io.wharf.broker.queue.QueueName;
import io.wharf.broker.vhost.VhostException.Reason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One virtual host: its exchanges, queues and bindings, with RabbitMQ's rules for declaring, binding and
 * deleting them, and the routing of a published message to its queues and to the Kafka topics of the
 * x-kafka exchanges it reaches ({@link KafkaExchangeRules}). Durable definitions are written to the
 * {@link DefinitionStore} before they take effect, and loaded from it at start-up.
 *
 * <p>Every virtual host has the default exchange ({@code ""}: each queue is bound to it by its name) and
 * {@code amq.direct}, {@code amq.fanout}, {@code amq.topic}, {@code amq.headers}, {@code amq.match}. Names
 * starting with {@code amq.} are reserved.
 *
 * <p>Thread-safety: {@link #route} runs without locks from any thread; changes serialise on this object.
 */
public final class VirtualHost {
    public static final String DEFAULT_EXCHANGE = "";
    private static final String RESERVED = "amq.";
    private static final List<ExchangeDefinition> STANDARD = List.of(
        new ExchangeDefinition(DEFAULT_EXCHANGE, ExchangeType.DIRECT, true, false, false, Map.of()),
        new ExchangeDefinition("amq.direct", ExchangeType.DIRECT, true, false, false, Map.of()),
        new ExchangeDefinition("amq.fanout", ExchangeType.FANOUT, true, false, false, Map.of()),
        new ExchangeDefinition("amq.topic", ExchangeType.TOPIC, true, false, false, Map.of()),
        new ExchangeDefinition("amq.headers", ExchangeType.HEADERS, true, false, false, Map.of()),
        new ExchangeDefinition("amq.match", ExchangeType.HEADERS, true, false, false, Map.of()));

    /** A queue as this virtual host knows it: its definition and its storage. */
    public record LiveQueue(QueueDefinition definition, MessageQueue queue) {
        public String name() { return definition.name(); }
    }

    private final String name;
    private final QueueManager storage;
    private final DefinitionStore store;
    private final TopicAppender topics;
    private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final Map<String, LiveQueue> queues = new ConcurrentHashMap<>();

    public VirtualHost(String name, QueueManager storage, DefinitionStore store, TopicAppender topics) {
        this.name = name;
        this.storage = storage;
        this.store = store;
        this.topics = topics;
        for (ExchangeDefinition d : STANDARD) exchanges.put(d.name(), new Exchange(d));
    }

    public String name() { return name; }

    /** Appends what x-kafka exchanges take to their topics; a publisher batches with it. */
    public TopicAppender kafkaTopics() { return topics; }

    /** Loads the durable exchanges, queues and bindings; returns the names of the durable queues. */
    public synchronized Set<QueueName> load() {
        DefinitionStore.Definitions defs = store.load(name);
        for (ExchangeDefinition d : defs.exchanges()) exchanges.putIfAbsent(d.name(), new Exchange(d));
        Set<QueueName> durable = new HashSet<>();
        for (QueueDefinition d : defs.queues()) {
            QueueName qn = new QueueName(name, d.name());
            LiveQueue q = new LiveQueue(d, storage.open(qn, QueueArguments.settings(name, d), this::publishDeadLetter));
            queues.put(d.name(), q);
            watchExpiry(q);
            durable.add(qn);
        }
        for (Binding b : defs.bindings()) {
            Exchange source = exchanges.get(b.source());
            // An x-kafka exchange is never a source (bind refuses it); a hand-edited znode must not stop the start.
            if (source != null && source.type() != ExchangeType.KAFKA && destinationExists(b.destination())) source.bind(b);
        }
        return durable;
    }

    // ---- exchanges ----

    public Exchange exchange(String exchange) { return exchanges.get(exchange); }

    public Collection<Exchange> exchanges() { return List.copyOf(exchanges.values()); }

    /** The exchange, or NOT_FOUND ("no exchange 'x' in vhost '/'"). */
    public Exchange requireExchange(String exchange) {
        Exchange e = exchanges.get(exchange);
        if (e == null) throw notFound("exchange", exchange);
        return e;
    }

    /** Declares an exchange (RabbitMQ's rules); returns the exchange, new or existing. */
    public synchronized Exchange declareExchange(ExchangeDefinition def) {
        Exchange existing = exchanges.get(def.name());
        if (existing != null) {
            ExchangeDefinition cur = existing.definition();
            if (cur.type() != def.type()) throw inequivalent("exchange", def.name(), "type", def.type().wireName(), cur.type().wireName());
            if (cur.durable() != def.durable()) throw inequivalent("exchange", def.name(), "durable", def.durable(), cur.durable());
            if (cur.autoDelete() != def.autoDelete()) throw inequivalent("exchange", def.name(), "auto_delete", def.autoDelete(), cur.autoDelete());
            if (cur.internal() != def.internal()) throw inequivalent("exchange", def.name(), "internal", def.internal(), cur.internal());
            if (!Objects.equals(cur.alternateExchange(), def.alternateExchange())) {
                throw inequivalent("exchange", def.name(), "alternate-exchange", def.alternateExchange(), cur.alternateExchange());
            }
            if (!KafkaExchangeRules.sameTopic(def, cur)) {
                throw inequivalent("exchange", def.name(), ExchangeDefinition.KAFKA_TOPIC, def.kafkaTopicArgument(),
                    cur.kafkaTopicArgument());
            }
            return existing;
        }
        if (def.name().startsWith(RESERVED)) {
            throw new VhostException(Reason.ACCESS_REFUSED, "exchange name '" + def.name()
                + "' contains reserved prefix 'amq.*'");
        }
        KafkaExchangeRules.checkNew(name, def, topics);
        if (def.durable()) store.saveExchange(name, def);
        Exchange e = new Exchange(def);
        exchanges.put(def.name(), e);
        return e;
    }

    /** Deletes an exchange and every binding from or to it; a missing exchange is no error (as RabbitMQ). */
    public synchronized void deleteExchange(String exchange, boolean ifUnused) {
        if (exchange.isEmpty() || exchange.startsWith(RESERVED)) {
            throw new VhostException(Reason.ACCESS_REFUSED, "operation not permitted on exchange '" + exchange
                + "' in vhost '" + name + "'");
        }
        Exchange e = exchanges.get(exchange);
        if (e == null) return;
        if (ifUnused && e.hasBindings()) {
            throw new VhostException(Reason.PRECONDITION_FAILED, "exchange '" + exchange + "' in vhost '" + name + "' in use");
        }
        for (Binding b : e.bindings()) removeBinding(e, b);
        for (Exchange other : exchanges.values()) {
            for (Binding b : other.bindingsTo(Destination.exchange(exchange))) removeBinding(other, b);
        }
        if (e.definition().durable()) store.deleteExchange(name, exchange);
        exchanges.remove(exchange);
    }

    // ---- queues ----

    public LiveQueue queue(String queue) { return queues.get(queue); }

    public Collection<LiveQueue> queues() { return List.copyOf(queues.values()); }

    /** The queue, checked for exclusive access by {@code connection}; NOT_FOUND or RESOURCE_LOCKED otherwise. */
    public LiveQueue requireQueue(String queue, long connection) {
        LiveQueue q = queues.get(queue);
        if (q == null) throw notFound("queue", queue);
        checkExclusive(q, connection);
        return q;
    }

    /** Declares a queue (RabbitMQ's rules); returns it, new or existing. */
    public synchronized LiveQueue declareQueue(QueueDefinition def, long connection) {
        LiveQueue existing = queues.get(def.name());
        if (existing != null) {
            checkExclusive(existing, connection);
            QueueDefinition cur = existing.definition();
            if (cur.durable() != def.durable()) throw inequivalent("queue", def.name(), "durable", def.durable(), cur.durable());
            if (cur.autoDelete() != def.autoDelete()) throw inequivalent("queue", def.name(), "auto_delete", def.autoDelete(), cur.autoDelete());
            if (cur.exclusive() != def.exclusive()) throw inequivalent("queue", def.name(), "exclusive", def.exclusive(), cur.exclusive());
            for (String key : QueueArgumentsEquivalence.COMPARED) {
                if (!QueueArgumentsEquivalence.same(def.arguments().get(key), cur.arguments().get(key))) {
                    throw inequivalent("queue", def.name(), key, def.arguments().get(key), cur.arguments().get(key));
                }
            }
            existing.queue().touch();
            return existing;
        }
        if (def.name().startsWith(RESERVED) && !def.name().startsWith("amq.gen-")) {
            throw new VhostException(Reason.ACCESS_REFUSED, "queue name '" + def.name() + "' contains reserved prefix 'amq.*'");
        }
        var settings = QueueArguments.settings(name, def);
        if (settings.deadLetterExchange() != null && settings.deadLetterExchange().startsWith(RESERVED)
            && !exchanges.containsKey(settings.deadLetterExchange())) {
            throw notFound("exchange", settings.deadLetterExchange());
        }
        if (def.durable() && !def.exclusive()) store.saveQueue(name, def);
        LiveQueue q = new LiveQueue(def, storage.open(new QueueName(name, def.name()), settings, this::publishDeadLetter));
        queues.put(def.name(), q);
        watchExpiry(q);
        return q;
    }

    /** Deletes a queue and its bindings; returns the ready messages it held (0 for a missing queue). */
    public synchronized long deleteQueue(String queue, boolean ifUnused, boolean ifEmpty, long connection) {
        LiveQueue q = queues.get(queue);
        if (q == null) return 0;
        checkExclusive(q, connection);
        if (ifUnused && q.queue().consumerCount() > 0) {
            throw new VhostException(Reason.PRECONDITION_FAILED, "queue '" + queue + "' in vhost '" + name + "' in use");
        }
        if (ifEmpty && q.queue().messageCount() > 0) {
            throw new VhostException(Reason.PRECONDITION_FAILED, "queue '" + queue + "' in vhost '" + name + "' not empty");
        }
        return remove(q);
    }

    /** Deletes the exclusive queues of a connection that closed. */
    public synchronized void connectionClosed(long connection) {
        for (LiveQueue q : List.copyOf(queues.values())) {
            if (q.definition().exclusiveOwner() == connection) remove(q);
        }
    }

    /** Deletes an auto-delete queue whose last consumer went away. */
    public synchronized void lastConsumerGone(LiveQueue q) {
        if (q.definition().autoDelete() && queues.get(q.name()) == q && q.queue().consumerCount() == 0) remove(q);
    }

    private long remove(LiveQueue q) {
        Destination d = Destination.queue(q.name());
        for (Exchange e : exchanges.values()) {
            for (Binding b : e.bindingsTo(d)) removeBinding(e, b);
        }
        if (q.definition().durable() && !q.definition().exclusive()) store.deleteQueue(name, q.name());
        queues.remove(q.name());
        return storage.delete(q.queue());
    }

    /**
     * Changes a queue's {@code x-expires} (-1: none) without touching its messages, and stores the new
     * definition if the queue is durable. What MQTT needs, whose session expiry a client may change at every
     * connect and at DISCONNECT; AMQP has no such operation (its redeclaration must repeat the argument).
     * Returns the queue as it is now; NOT_FOUND if there is none.
     */
    public synchronized LiveQueue changeExpiry(String queue, long expiresMs) {
        LiveQueue q = queues.get(queue);
        if (q == null) throw notFound("queue", queue);
        Map<String, Object> args = new java.util.LinkedHashMap<>(q.definition().arguments());
        if (expiresMs < 0) args.remove("x-expires");
        else args.put("x-expires", expiresMs);
        QueueDefinition d = q.definition();
        if (QueueArgumentsEquivalence.same(d.arguments().get("x-expires"), args.get("x-expires"))) return q;
        QueueDefinition changed = new QueueDefinition(d.name(), d.durable(), d.autoDelete(), d.exclusiveOwner(), args);
        QueueArguments.settings(name, changed); // refuses a bad value before anything changes
        if (changed.durable() && !changed.exclusive()) store.saveQueue(name, changed);
        LiveQueue now = new LiveQueue(changed, q.queue());
        queues.put(queue, now); // the timer of the old definition finds it replaced and stops
        watchExpiry(now);
        return now;
    }

    /** {@code x-expires}: deletes the queue once it has gone unused that long (no consumers, no get, no redeclare). */
    private void watchExpiry(LiveQueue q) {
        long expires = expiresMs(q);
        if (expires < 0) return;
        // A queue in use is looked at again one whole period later (its clock starts when the last consumer goes).
        long due = q.queue().consumerCount() > 0 ? expires
            : q.queue().lastUsedMs() + expires - System.currentTimeMillis();
        storage.timers().schedule(() -> expireIfUnused(q), Math.max(0, due), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private synchronized void expireIfUnused(LiveQueue q) {
        if (queues.get(q.name()) != q) return;
        long idle = System.currentTimeMillis() - q.queue().lastUsedMs();
        if (q.queue().consumerCount() == 0 && idle >= expiresMs(q)) {
            remove(q);
        } else {
            watchExpiry(q);
        }
    }

    /** The queue's {@code x-expires} as its definition says now ({@link #changeExpiry} may have changed it). */
    private long expiresMs(LiveQueue q) {
        return QueueArguments.settings(name, q.definition()).expiresMs();
    }

    // ---- bindings ----

    /** Binds {@code binding.destination()} to {@code binding.source()}; binding twice is a no-op. */
    public synchronized void bind(Binding binding, long connection) {
        Exchange source = bindable(binding, connection);
        KafkaExchangeRules.checkSource(name, source.definition(), binding);
        if (!source.bind(binding)) return;
        if (isDurable(binding)) store.saveBinding(name, binding);
    }

    /** Removes a binding; removing one that does not exist is no error (as RabbitMQ). */
    public synchronized void unbind(Binding binding, long connection) {
        Exchange source = bindable(binding, connection);
        removeBinding(source, binding);
    }

    private Exchange bindable(Binding binding, long connection) {
        if (binding.source().isEmpty()) {
            throw new VhostException(Reason.ACCESS_REFUSED, "operation not permitted on the default exchange");
        }
        if (binding.destination().kind() == Destination.Kind.QUEUE) requireQueue(binding.destination().name(), connection);
        else requireExchange(binding.destination().name());
        return requireExchange(binding.source());
    }

    private void removeBinding(Exchange source, Binding binding) {
        if (!source.unbind(binding)) return;
        if (isDurable(binding)) store.deleteBinding(name, binding);
        ExchangeDefinition d = source.definition();
        if (d.autoDelete() && !source.hasBindings() && exchanges.get(d.name()) == source) {
            if (d.durable()) store.deleteExchange(name, d.name());
            exchanges.remove(d.name());
            for (Exchange other : exchanges.values()) {
                for (Binding b : other.bindingsTo(Destination.exchange(d.name()))) removeBinding(other, b);
            }
        }
    }

    private boolean isDurable(Binding b) {
        Exchange source = exchanges.get(b.source());
        if (source == null || !source.definition().durable()) return false;
        if (b.destination().kind() == Destination.Kind.EXCHANGE) {
            Exchange dest = exchanges.get(b.destination().name());
            return dest != null && dest.definition().durable();
        }
        LiveQueue q = queues.get(b.destination().name());
        return q != null && q.definition().durable() && !q.definition().exclusive();
    }

    private boolean destinationExists(Destination d) {
        return d.kind() == Destination.Kind.QUEUE ? queues.containsKey(d.name()) : exchanges.containsKey(d.name());
    }

    // ---- routing ----

    /**
     * Where a message published to {@code exchange} goes, each queue and topic once: through the exchange's
     * bindings, exchange-to-exchange bindings (cycles are followed once) and alternate exchanges (used by an
     * exchange none of whose bindings matched). An x-kafka exchange takes every message that reaches it for
     * its topic. The default exchange routes to the queue named by the routing key. The exchange must exist
     * (see {@link #requireExchange}).
     */
    public Route route(Exchange exchange, Message message) {
        if (exchange.name().isEmpty()) {
            LiveQueue q = queues.get(message.routingKey());
            return new Route(q == null ? List.of() : List.of(q.queue()), List.of());
        }
        Set<MessageQueue> toQueues = new LinkedHashSet<>();
        Set<String> toTopics = new LinkedHashSet<>();
        routeVia(exchange, message, toQueues, toTopics, new HashSet<>());
        return new Route(List.copyOf(toQueues), List.copyOf(toTopics));
    }

    /**
     * Routes a message through {@code exchange} (see {@link #route}) and stores it wherever it leads: every
     * queue, and the Kafka topic of every x-kafka exchange — what a publisher that needs no per-queue
     * bookkeeping (MQTT) does. The future completes with the number of destinations that took the message
     * (0: unroutable, at once) once each holds it as safely as it promises ({@link MessageQueue#enqueue}: on
     * disk for a persistent message on a durable queue; a topic once appended, Kafka's acks=1); it fails
     * with the first refusal ({@code QueueFullException}, {@code QueueDeletedException}, a topic that
     * refused the record) after the others have answered.
     */
    public CompletableFuture<Integer> publish(Exchange exchange, Message message) {
        Route route = route(exchange, message);
        if (route.isEmpty()) return CompletableFuture.completedFuture(0);
        List<CompletableFuture<?>> stored = new ArrayList<>(route.size());
        for (MessageQueue q : route.queues()) stored.add(q.enqueue(message));
        for (String topic : route.topics()) {
            stored.add(topics.append(topic, message) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("Kafka topic '" + topic + "' refused the record")));
        }
        if (stored.size() == 1) return stored.get(0).thenApply(v -> 1);
        return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).thenApply(v -> stored.size());
    }

    private void routeVia(Exchange exchange, Message message, Set<MessageQueue> toQueues, Set<String> toTopics,
                          Set<String> visited) {
        if (!visited.add(exchange.name())) return;
        if (exchange.type() == ExchangeType.KAFKA) {
            // It always takes the message, so it counts as a match and its own alternate exchange is never used.
            toTopics.add(exchange.definition().kafkaTopic());
            return;
        }
        boolean[] matched = {false};
        exchange.route(message, d -> {
            matched[0] = true;
            if (d.kind() == Destination.Kind.QUEUE) {
                LiveQueue q = queues.get(d.name());
                if (q != null) toQueues.add(q.queue());
            } else {
                Exchange next = exchanges.get(d.name());
                if (next != null) routeVia(next, message, toQueues, toTopics, visited);
            }
        });
        // RabbitMQ's rule: the alternate exchange takes what none of this exchange's bindings matched
        // (not what its bindings led nowhere).
        String ae = exchange.definition().alternateExchange();
        if (!matched[0] && ae != null) {
            Exchange alternate = exchanges.get(ae);
            if (alternate != null) routeVia(alternate, message, toQueues, toTopics, visited);
        }
    }

    /** Where a queue's dead letters go: through the named exchange, if it exists (else dropped, as RabbitMQ does). */
    private void publishDeadLetter(String exchange, Message message) {
        Exchange e = exchanges.get(exchange);
        if (e == null) return;
        Route route = route(e, message);
        for (MessageQueue q : route.queues()) q.enqueue(message);
        for (String topic : route.topics()) topics.append(topic, message);
    }

    // ---- errors ----

    private void checkExclusive(LiveQueue q, long connection) {
        long owner = q.definition().exclusiveOwner();
        if (owner != 0 && owner != connection) {
            throw new VhostException(Reason.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '"
                + q.name() + "' in vhost '" + name + "'. It could be originally declared on another connection or "
                + "the exclusive property value does not match that of the original declaration.");
        }
    }

    private VhostException notFound(String kind, String what) {
        return new VhostException(Reason.NOT_FOUND, "no " + kind + " '" + what + "' in vhost '" + name + "'");
    }

    private VhostException inequivalent(String kind, String what, String arg, Object received, Object current) {
        return new VhostException(Reason.PRECONDITION_FAILED, "inequivalent arg '" + arg + "' for " + kind + " '" + what
            + "' in vhost '" + name + "': received '" + received + "' but current is '" + current + "'");
    }

    /** Closes nothing: queues' storage belongs to the {@link QueueManager}. */
    @Override
    public String toString() { return "VirtualHost(" + name + ")"; }
}
