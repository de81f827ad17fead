package io.wharf.broker.vhost;

import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.ExchangeDefinition;
import java.util.List;

/** Where a virtual host's durable exchanges, queues and bindings are kept across restarts. */
public interface DefinitionStore {
    /** Everything durable a virtual host holds. */
    record Definitions(List<ExchangeDefinition> exchanges, List<QueueDefinition> queues, List<Binding> bindings) {
    }

    Definitions load(String vhost);

    void saveExchange(String vhost, ExchangeDefinition exchange);

    void deleteExchange(String vhost, String exchange);

    void saveQueue(String vhost, QueueDefinition queue);

    void deleteQueue(String vhost, String queue);

    void saveBinding(String vhost, Binding binding);

    void deleteBinding(String vhost, Binding binding);

    /** Forgets everything of a deleted virtual host. */
    void deleteVhost(String vhost);
}
