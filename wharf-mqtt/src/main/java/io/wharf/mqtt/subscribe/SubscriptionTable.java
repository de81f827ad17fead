package io.wharf.mqtt.subscribe;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.routing.TopicTrie;
import io.wharf.mqtt.message.MqttMessages;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A session's subscriptions, and what a message that reached one of its queues is delivered as ({@link #match}).
 * Matching follows MQTT's own rules ({@link TopicSyntax#MQTT}): a message that reached the session's queue through
 * an AMQP binding is delivered only if one of these filters matches its topic, so a {@code $}-topic never reaches a
 * filter starting with a wildcard [MQTT-4.7.2-1] and a literal {@code *} level never acts as a wildcard.
 *
 * <p>Ordinary subscriptions feed the session's queue. With overlapping ones the message goes out once: at the
 * highest QoS granted among them (MQTT 5 §4.8: the Server MUST deliver respecting the maximum QoS of all
 * matching), with RETAIN if it was published retained and one of them is Retain As Published, and with the
 * Subscription Identifier of each that has one [MQTT-3.3.4-3]. A subscription with No Local never takes what this
 * client published itself [MQTT-3.8.3-3]. A shared subscription feeds from its group's queue, and a message from
 * that queue is delivered for that subscription alone. A retained message sent for a new subscription (marked by
 * {@link MqttMessages#RETAINED_FOR_HEADER}) goes out for that subscription alone, with RETAIN set.
 *
 * <p>The maps and tries are made at the first subscription of their kind: most connections of a large fleet only
 * publish, or sit idle. Confined to the connection's event loop (the tries themselves would allow any thread).
 */
public final class SubscriptionTable {
    private static final int[] NO_IDS = new int[0];

    /**
     * What a message goes out as: at most at {@code qos} (the publish QoS may be lower), with {@code retain} as the
     * RETAIN flag and the Subscription Identifiers to send.
     */
    public record Match(int qos, boolean retain, int[] subscriptionIds) {
    }

    /** A shared subscription of this session: its filter, its options, and its group's queue. */
    public record Shared(SharedFilter filter, Subscription subscription, MessageQueue queue) {
    }

    private final String clientId;
    // Ordinary subscriptions, null until the first.
    private Map<String, Subscription> byFilter;
    private TopicTrie<String> trie;
    private Collector collector;
    // Shared subscriptions, null until the first.
    private Map<String, Shared> sharedBySubscribed;
    private Map<String, Shared> sharedByQueue;
    private TopicTrie<String> sharedTrie;
    private int noLocal;

    /** @param clientId the session's client identifier, which No Local compares publishers with */
    public SubscriptionTable(String clientId) {
        this.clientId = clientId;
    }

    /** Adds or replaces the subscription with that filter; returns the one it replaced, or null. */
    public Subscription put(Subscription s) {
        if (byFilter == null) {
            byFilter = new HashMap<>();
            trie = new TopicTrie<>(TopicSyntax.MQTT);
            collector = new Collector();
        }
        Subscription old = byFilter.put(s.filter(), s);
        if (old == null) trie.add(s.filter(), s.filter());
        else if (old.noLocal()) noLocal--;
        if (s.noLocal()) noLocal++;
        return old;
    }

    public Subscription remove(String filter) {
        if (byFilter == null) return null;
        Subscription old = byFilter.remove(filter);
        if (old != null) {
            trie.remove(filter, filter);
            if (old.noLocal()) noLocal--;
        }
        return old;
    }

    public Subscription get(String filter) { return byFilter == null ? null : byFilter.get(filter); }

    /** The ordinary subscriptions (not the shared ones). */
    public Collection<Subscription> all() { return byFilter == null ? List.of() : List.copyOf(byFilter.values()); }

    public boolean isEmpty() {
        return (byFilter == null || byFilter.isEmpty()) && (sharedBySubscribed == null || sharedBySubscribed.isEmpty());
    }

    /** Whether a subscription has No Local, so that this client's publishes must name their publisher. */
    public boolean hasNoLocal() { return noLocal > 0; }

    // ---- shared subscriptions ----

    /** Adds or replaces a shared subscription; returns the one it replaced, or null. */
    public Shared putShared(Shared s) {
        String key = s.filter().subscribed();
        if (sharedBySubscribed == null) {
            sharedBySubscribed = new HashMap<>();
            sharedByQueue = new HashMap<>();
            sharedTrie = new TopicTrie<>(TopicSyntax.MQTT);
        }
        Shared old = sharedBySubscribed.put(key, s);
        sharedByQueue.put(s.queue().name().name(), s);
        if (old == null) sharedTrie.add(s.filter().filter(), key);
        return old;
    }

    public Shared removeShared(String subscribed) {
        if (sharedBySubscribed == null) return null;
        Shared old = sharedBySubscribed.remove(subscribed);
        if (old != null) {
            sharedByQueue.remove(old.queue().name().name());
            sharedTrie.remove(old.filter().filter(), subscribed);
        }
        return old;
    }

    public Shared getShared(String subscribed) { return sharedBySubscribed == null ? null : sharedBySubscribed.get(subscribed); }

    public Collection<Shared> allShared() {
        return sharedBySubscribed == null ? List.of() : List.copyOf(sharedBySubscribed.values());
    }

    // ---- delivery ----

    /** The highest QoS granted by an ordinary subscription matching {@code topic}, or -1 if none matches. */
    public int grantedQos(String topic) {
        if (trie == null) return -1;
        collector.start(null);
        trie.match(topic, collector);
        return collector.qos;
    }

    /**
     * How a message taken from {@code source} (the session's queue or a shared subscription's) goes out, or null
     * if no subscription of this session wants it.
     */
    public Match match(MessageQueue source, MqttMessages.Outgoing message) {
        if (message.retainedFor() != null) {
            Subscription s = get(message.retainedFor());
            return s == null ? null : new Match(s.qos(), true, ids(s));
        }
        Shared shared = sharedByQueue == null || sharedByQueue.isEmpty() ? null : sharedByQueue.get(source.name().name());
        if (shared != null) {
            String key = shared.filter().subscribed();
            boolean[] matches = {false};
            sharedTrie.match(message.topic(), k -> matches[0] |= k.equals(key));
            if (!matches[0]) return null;
            Subscription s = shared.subscription();
            return new Match(s.qos(), message.retain() && s.retainAsPublished(), ids(s));
        }
        if (trie == null) return null;
        collector.start(clientId.equals(message.publisher()) ? message.publisher() : null);
        trie.match(message.topic(), collector);
        if (collector.qos < 0) return null;
        return new Match(collector.qos, message.retain() && collector.retainAsPublished, collector.ids());
    }

    /** Adds the match's Subscription Identifiers to the (MQTT 5) properties of the PUBLISH. */
    public static void addIdentifiers(MqttProperties properties, Match match) {
        for (int id : match.subscriptionIds()) {
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
        }
    }

    private static int[] ids(Subscription s) {
        return s.subscriptionId() == 0 ? NO_IDS : new int[] {s.subscriptionId()};
    }

    /** Folds the matching ordinary subscriptions into one delivery; reused, on the event loop. */
    private final class Collector implements Consumer<String> {
        private boolean ownPublish;
        int qos;
        boolean retainAsPublished;
        private int[] ids = new int[4];
        private int idCount;

        void start(String ownPublisher) {
            ownPublish = ownPublisher != null;
            qos = -1;
            retainAsPublished = false;
            idCount = 0;
        }

        @Override
        public void accept(String filter) {
            Subscription s = byFilter.get(filter);
            if (s == null || (ownPublish && s.noLocal())) return;
            qos = Math.max(qos, s.qos());
            retainAsPublished |= s.retainAsPublished();
            if (s.subscriptionId() != 0) {
                if (idCount == ids.length) ids = Arrays.copyOf(ids, idCount * 2);
                ids[idCount++] = s.subscriptionId();
            }
        }

        int[] ids() { return idCount == 0 ? NO_IDS : Arrays.copyOf(ids, idCount); }
    }
}
