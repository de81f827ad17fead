package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An exchange: its definition and its bindings, matched by its type's {@link RoutingTable}. An x-kafka
 * exchange has no table: it takes every message itself (its virtual host appends it to the Kafka topic), so
 * it can be a binding's destination but never its source.
 *
 * <p>Thread-safety: {@link #route} runs lock-free from any thread; binding changes serialise on this object.
 */
public final class Exchange {
    private final ExchangeDefinition definition;
    private final RoutingTable table;
    private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();

    public Exchange(ExchangeDefinition definition) {
        this.definition = definition;
        this.table = switch (definition.type()) {
            case DIRECT -> new DirectTable();
            case FANOUT -> new FanoutTable();
            case TOPIC -> new TopicTable();
            case HEADERS -> new HeadersTable();
            case KAFKA -> null;
        };
    }

    public ExchangeDefinition definition() { return definition; }
    public String name() { return definition.name(); }
    public ExchangeType type() { return definition.type(); }

    /** Adds a binding; false if it was there already. */
    public synchronized boolean bind(Binding binding) {
        if (table == null) throw new IllegalStateException(this + " cannot be the source of a binding");
        if (!bindings.add(binding)) return false;
        table.add(binding);
        return true;
    }

    /** Removes a binding; false if there was none. */
    public synchronized boolean unbind(Binding binding) {
        if (!bindings.remove(binding)) return false;
        table.remove(binding);
        return true;
    }

    /** The bindings leading to {@code destination}. */
    public List<Binding> bindingsTo(Destination destination) {
        return bindings.stream().filter(b -> b.destination().equals(destination)).toList();
    }

    public List<Binding> bindings() { return List.copyOf(bindings); }

    public boolean hasBindings() { return !bindings.isEmpty(); }

    /** Calls {@code sink} with the destination of each binding the message matches. */
    public void route(Message message, Consumer<Destination> sink) {
        if (table != null) table.route(message, sink);
    }

    @Override
    public String toString() { return "Exchange(" + definition.name() + ", " + definition.type().wireName() + ")"; }
}
