package io.wharf.mqtt.session;

import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.mqtt.message.TopicMapping;
import io.wharf.mqtt.subscribe.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * How session queues are named: {@code mqtt-subscription-<client id>}, RabbitMQ's prefix. RabbitMQ keeps one
 * queue per subscription QoS ({@code ...qos0}, {@code ...qos1}); Wharf keeps one per session, holding what
 * every subscription of the session matched once, and picks the delivery QoS per message from the
 * session's matching subscriptions, which are the queue's bindings on {@code amq.topic} (their arguments
 * carry the granted QoS, see {@code SessionSubscriptions}).
 */
public final class SessionQueues {
    public static final String PREFIX = "mqtt-subscription-";

    private SessionQueues() {
    }

    public static String name(String clientId) { return PREFIX + clientId; }

    /**
     * The subscriptions a session's queue records: its bindings on the session's exchange that a SUBSCRIBE
     * made ({@link Subscription#fromBinding}). How a persistent session is rebuilt, also after a restart.
     */
    public static List<Subscription> subscriptions(Session session) {
        List<Subscription> out = new ArrayList<>();
        for (Binding b : session.exchange().bindingsTo(Destination.queue(session.queueName()))) {
            Subscription s = Subscription.fromBinding(TopicMapping.toFilter(b.routingKey()), b.arguments());
            if (s != null) out.add(s);
        }
        return out;
    }
}
