package io.wharf.mqtt.subscribe;

import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.routing.TopicTrie;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's subscriptions, matched with MQTT's own rules ({@link TopicSyntax#MQTT}): a message that reached
 * the session's queue through an AMQP binding is delivered only if one of these filters matches its topic,
 * so a {@code $}-topic never reaches a filter starting with a wildcard [MQTT-4.7.2-1] and a literal {@code *}
 * level never acts as a wildcard. With overlapping subscriptions the message goes out once, at the highest
 * QoS granted among them (MQTT 5 §4.8: the Server MUST deliver respecting the maximum QoS of all matching).
 *
 * <p>Confined to the connection's event loop (the trie itself would allow any thread).
 */
public final class SubscriptionTable {
    private final Map<String, Subscription> byFilter = new HashMap<>();
    private final TopicTrie<String> trie = new TopicTrie<>(TopicSyntax.MQTT);

    /** Adds or replaces the subscription with that filter; returns the one it replaced, or null. */
    public Subscription put(Subscription s) {
        Subscription old = byFilter.put(s.filter(), s);
        if (old == null) trie.add(s.filter(), s.filter());
        return old;
    }

    public Subscription remove(String filter) {
        Subscription old = byFilter.remove(filter);
        if (old != null) trie.remove(filter, filter);
        return old;
    }

    public Subscription get(String filter) { return byFilter.get(filter); }

    public Collection<Subscription> all() { return List.copyOf(byFilter.values()); }

    public boolean isEmpty() { return byFilter.isEmpty(); }

    /** The highest QoS granted by a subscription matching {@code topic}, or -1 if none matches. */
    public int grantedQos(String topic) {
        int[] best = {-1};
        trie.match(topic, filter -> {
            Subscription s = byFilter.get(filter);
            if (s != null && s.qos() > best[0]) best[0] = s.qos();
        });
        return best[0];
    }
}
