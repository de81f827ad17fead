package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import java.util.function.Consumer;

/**
 * An exchange type's matching rule over its bindings. Routing runs on every publish, from any thread,
 * concurrently with binding changes (which the exchange serialises): implementations read without locks.
 */
interface RoutingTable {
    void add(Binding binding);

    void remove(Binding binding);

    /** Calls {@code sink} with the destination of each matching binding (possibly the same one twice). */
    void route(Message message, Consumer<Destination> sink);
}
