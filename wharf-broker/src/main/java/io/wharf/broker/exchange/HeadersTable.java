package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import io.wharf.broker.routing.HeadersMatch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Headers exchange: a binding matches on the message's headers and the binding's arguments ({@link HeadersMatch}). */
final class HeadersTable implements RoutingTable {
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    @Override
    public void add(Binding binding) {
        bindings.add(binding);
    }

    @Override
    public void remove(Binding binding) {
        bindings.remove(binding);
    }

    @Override
    public void route(Message message, Consumer<Destination> sink) {
        if (bindings.isEmpty()) return;
        var headers = message.headers();
        for (Binding b : bindings) {
            if (HeadersMatch.matches(b.arguments(), headers)) sink.accept(b.destination());
        }
    }
}
