package io.wharf.mqtt.session;

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
}
