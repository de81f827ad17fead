package io.wharf.amqp.basic;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RabbitMQ's direct reply-to: an RPC client consumes the pseudo-queue {@value #PSEUDO_QUEUE} (no-ack) and
 * publishes its requests with that name as {@code reply-to}; the broker rewrites it to a name of the
 * client's channel ({@code amq.rabbitmq.reply-to.<token>}), and a reply published to the default exchange
 * with that routing key goes straight to the consumer, with no queue in between. A reply to a channel that
 * has gone is unroutable.
 *
 * <p>One per front-end, shared by its connections. Thread-safe.
 */
public final class DirectReplyTo {
    public static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
    private static final String PREFIX = PSEUDO_QUEUE + ".";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConcurrentHashMap<String, Consumers> channels = new ConcurrentHashMap<>();

    /** Whether a routing key names a reply consumer (not the pseudo-queue itself). */
    public static boolean isReplyName(String routingKey) { return routingKey.startsWith(PREFIX); }

    /** Registers a channel's reply consumer; returns the name its requests carry as reply-to. */
    String register(Consumers channel) {
        byte[] token = new byte[18];
        RANDOM.nextBytes(token);
        String name = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        channels.put(name, channel);
        return name;
    }

    void unregister(String name) {
        if (name != null) channels.remove(name);
    }

    /** The channel whose reply consumer {@code routingKey} names, or null. */
    Consumers find(String routingKey) { return channels.get(routingKey); }
}
