package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** Direct exchange: a binding matches when its key equals the routing key. */
final class DirectTable implements RoutingTable {
    private final Map<String, Set<Destination>> byKey = new ConcurrentHashMap<>();

    @Override
    public void add(Binding binding) {
        byKey.computeIfAbsent(binding.routingKey(), k -> new CopyOnWriteArraySet<>()).add(binding.destination());
    }

    @Override
    public void remove(Binding binding) {
        byKey.computeIfPresent(binding.routingKey(), (k, set) -> {
            set.remove(binding.destination());
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void route(Message message, Consumer<Destination> sink) {
        Set<Destination> matched = byKey.get(message.routingKey());
        if (matched != null) matched.forEach(sink);
    }
}
