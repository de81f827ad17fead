package io.wharf.broker.exchange;

import io.wharf.broker.message.Message;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.routing.TopicTrie;
import java.util.function.Consumer;

/** Topic exchange: binding keys are patterns of dot-separated words with {@code *} and {@code #}. */
final class TopicTable implements RoutingTable {
    private final TopicTrie<Destination> trie = new TopicTrie<>(TopicSyntax.AMQP);

    @Override
    public void add(Binding binding) {
        trie.add(binding.routingKey(), binding.destination());
    }

    @Override
    public void remove(Binding binding) {
        trie.remove(binding.routingKey(), binding.destination());
    }

    @Override
    public void route(Message message, Consumer<Destination> sink) {
        trie.match(message.routingKey(), sink);
    }
}
