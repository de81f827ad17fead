package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** Fanout exchange: every binding matches, whatever its key. */
final class FanoutTable implements RoutingTable {
    /** Destinations with how many bindings (different keys) lead to each. */
    private final java.util.Map<Destination, Integer> counts = new java.util.HashMap<>();
    private final Set<Destination> destinations = new CopyOnWriteArraySet<>();

    @Override
    public synchronized void add(Binding binding) {
        counts.merge(binding.destination(), 1, Integer::sum);
        destinations.add(binding.destination());
    }

    @Override
    public synchronized void remove(Binding binding) {
        Integer left = counts.computeIfPresent(binding.destination(), (d, n) -> n == 1 ? null : n - 1);
        if (left == null) destinations.remove(binding.destination());
    }

    @Override
    public void route(Message message, Consumer<Destination> sink) {
        destinations.forEach(sink);
    }
}
