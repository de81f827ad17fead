package io.wharf.broker.message;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A published message as the broker core routes and stores it, whatever protocol brought it.
 *
 * <p>{@code properties} are opaque to the core: the publishing protocol's own encoding of its message
 * properties, kept byte for byte so that they go out exactly as they came in (for AMQP, the basic
 * properties of the content header: flags, then the present fields). The few facts the core acts on are
 * lifted out by the protocol at publish time: persistence, a per-message expiration, a priority, and
 * (lazily, only when a headers exchange asks) the headers table as plain Java values.
 *
 * <p>Immutable; the byte arrays are owned by the message and must not be changed after construction.
 */
public final class Message {
    public static final long NO_EXPIRATION = -1;
    public static final int NO_PRIORITY = -1;
    private static final byte[] EMPTY = new byte[0];

    private final String exchange;
    private final String routingKey;
    private final byte[] properties;
    private final byte[] body;
    private final long timestamp;
    private final boolean persistent;
    private final long expirationMs;
    private final int priority;
    private final Supplier<Map<String, Object>> headers;
    private Map<String, Object> decodedHeaders;

    /**
     * @param timestamp    arrival time (ms since the epoch); per-message TTLs count from it
     * @param expirationMs the message's own time to live, or {@link #NO_EXPIRATION}
     * @param priority     0-255, or {@link #NO_PRIORITY}
     * @param headers      decodes the headers table on demand (called at most once)
     */
    public Message(String exchange, String routingKey, byte[] properties, byte[] body, long timestamp,
                   boolean persistent, long expirationMs, int priority, Supplier<Map<String, Object>> headers) {
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
        this.properties = properties == null ? EMPTY : properties;
        this.body = body == null ? EMPTY : body;
        this.timestamp = timestamp;
        this.persistent = persistent;
        this.expirationMs = expirationMs;
        this.priority = priority;
        this.headers = headers == null ? Map::of : headers;
    }

    public String exchange() { return exchange; }
    public String routingKey() { return routingKey; }
    public byte[] properties() { return properties; }
    public byte[] body() { return body; }
    public long timestamp() { return timestamp; }
    public boolean persistent() { return persistent; }
    public long expirationMs() { return expirationMs; }
    public int priority() { return priority; }

    /** The headers table, decoded on first use. */
    public synchronized Map<String, Object> headers() {
        if (decodedHeaders == null) decodedHeaders = headers.get();
        return decodedHeaders;
    }

    /**
     * The same message as published again, at {@code now}, to another exchange with another routing key and
     * properties (dead-lettering). The copy has no per-message expiration: queue TTLs count from {@code now}.
     */
    public Message reroutedAs(String newExchange, String newRoutingKey, byte[] newProperties, long now,
                              Supplier<Map<String, Object>> newHeaders) {
        return new Message(newExchange, newRoutingKey, newProperties, body, now, persistent, NO_EXPIRATION,
            priority, newHeaders);
    }

    /** When the message expires in a queue whose own TTL is {@code queueTtlMs} (-1: none); Long.MAX_VALUE for never. */
    public long deadline(long queueTtlMs) {
        long ttl = Long.MAX_VALUE;
        if (queueTtlMs >= 0) ttl = queueTtlMs;
        if (expirationMs >= 0) ttl = Math.min(ttl, expirationMs);
        return ttl == Long.MAX_VALUE ? Long.MAX_VALUE : timestamp + ttl;
    }

    /** Bytes the message costs in memory and on disk, roughly: what queue length limits in bytes count. */
    public int size() { return body.length; }

    @Override
    public String toString() {
        return "Message(exchange=" + exchange + ", routingKey=" + routingKey + ", " + body.length + " bytes"
            + (persistent ? ", persistent" : "") + ")";
    }
}
