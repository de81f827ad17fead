package io.wharf.mqtt;

import io.wharf.broker.security.LoopbackUsers;

/**
 * The MQTT front-end's configuration (RabbitMQ's MQTT plugin defaults where it has them).
 *
 * @param maxPacketSize     largest packet (fixed header included) a client may send once connected; v5
 *                          clients are told in CONNACK (Maximum Packet Size)
 * @param maxConnectPacketSize largest packet accepted before the CONNECT is authenticated (RabbitMQ's
 *                          {@code max_packet_size_unauthenticated}: 64 KiB)
 * @param connectTimeoutMs  time a client has from the TCP connect to its CONNECT packet
 * @param allowAnonymous    {@code mqtt.allow.anonymous}: whether a CONNECT without user name logs in as
 *                          {@code anonymousUser}; when false it is refused with "not authorized"
 * @param anonymousUser     the user anonymous clients act as (RabbitMQ's {@code mqtt.default_user}: guest)
 * @param vhost             the virtual host every MQTT client works in (RabbitMQ's default: "/")
 * @param exchange          the topic exchange publishes go through and subscriptions bind to (amq.topic)
 * @param maxInFlight       QoS 1 and 2 deliveries a client may have unacknowledged at most; a v5 client's
 *                          smaller Receive Maximum wins
 * @param loopbackUsers     users who may connect from loopback only (RabbitMQ: guest)
 * @param topicAliasMaximum the Topic Alias Maximum advertised to MQTT 5 clients in CONNACK: how many topic
 *                          aliases a client may set up on its PUBLISHes (RabbitMQ's default: 16; 0 turns them off)
 * @param maxKeepAliveSeconds the longest keep-alive the broker grants (Mosquitto's {@code max_keepalive}); an MQTT
 *                          5 client asking for more, or for none, is told this one as Server Keep Alive; 0: no limit
 * @param maxSessionExpirySeconds {@code mqtt.max.session.expiry.seconds}: how long a persistent session
 *                          outlives its connection at most (RabbitMQ's {@code max_session_expiry_interval_seconds}:
 *                          one day); a 3.1.1 session without clean session gets exactly this;
 *                          4294967295 for no limit
 * @param publisherBacklog  {@code mqtt.flow.backlog.messages}: how many messages a queue may hold that its
 *                          connected consumers have not taken before the connections publishing to it stop being
 *                          read, until it is down to half ({@link io.wharf.broker.net.BacklogFlow}); 0: never
 */
public record MqttSettings(int maxPacketSize, int maxConnectPacketSize, long connectTimeoutMs, boolean allowAnonymous,
                           String anonymousUser, String vhost, String exchange, int maxInFlight,
                           LoopbackUsers loopbackUsers, int topicAliasMaximum, int maxKeepAliveSeconds,
                           long maxSessionExpirySeconds, int publisherBacklog) {
    /** The largest packet MQTT can frame: a remaining length of 268,435,455 bytes plus a 5-byte fixed header. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_460;

    public MqttSettings {
        if (maxPacketSize < 2 || maxConnectPacketSize < 2) throw new IllegalArgumentException("packet sizes must be >= 2");
        if (maxInFlight < 1 || maxInFlight > 65535) throw new IllegalArgumentException("maxInFlight must be 1..65535");
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65535) {
            throw new IllegalArgumentException("topicAliasMaximum must be 0..65535");
        }
        if (maxKeepAliveSeconds < 0 || maxKeepAliveSeconds > 65535) {
            throw new IllegalArgumentException("maxKeepAliveSeconds must be 0..65535");
        }
        if (maxSessionExpirySeconds < 0 || maxSessionExpirySeconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("maxSessionExpirySeconds must be 0..4294967295");
        }
        if (publisherBacklog < 0) throw new IllegalArgumentException("publisherBacklog must be >= 0");
    }

    public static MqttSettings defaults() {
        return new MqttSettings(16 * 1024 * 1024, 64 * 1024, 10_000, false, "guest", "/", "amq.topic", 100,
            LoopbackUsers.DEFAULT, 16, 0, 86_400, 1000);
    }

    public MqttSettings withAllowAnonymous(boolean allow) {
        return new MqttSettings(maxPacketSize, maxConnectPacketSize, connectTimeoutMs, allow, anonymousUser, vhost,
            exchange, maxInFlight, loopbackUsers, topicAliasMaximum, maxKeepAliveSeconds, maxSessionExpirySeconds,
            publisherBacklog);
    }

    public MqttSettings withMaxPacketSize(int max) {
        return new MqttSettings(max, Math.min(max, maxConnectPacketSize), connectTimeoutMs, allowAnonymous,
            anonymousUser, vhost, exchange, maxInFlight, loopbackUsers, topicAliasMaximum, maxKeepAliveSeconds,
            maxSessionExpirySeconds, publisherBacklog);
    }

    public MqttSettings withMaxKeepAliveSeconds(int seconds) {
        return new MqttSettings(maxPacketSize, maxConnectPacketSize, connectTimeoutMs, allowAnonymous, anonymousUser,
            vhost, exchange, maxInFlight, loopbackUsers, topicAliasMaximum, seconds, maxSessionExpirySeconds,
            publisherBacklog);
    }

    public MqttSettings withMaxSessionExpirySeconds(long max) {
        return new MqttSettings(maxPacketSize, maxConnectPacketSize, connectTimeoutMs, allowAnonymous, anonymousUser,
            vhost, exchange, maxInFlight, loopbackUsers, topicAliasMaximum, maxKeepAliveSeconds, max,
            publisherBacklog);
    }

    public MqttSettings withPublisherBacklog(int messages) {
        return new MqttSettings(maxPacketSize, maxConnectPacketSize, connectTimeoutMs, allowAnonymous, anonymousUser,
            vhost, exchange, maxInFlight, loopbackUsers, topicAliasMaximum, maxKeepAliveSeconds, maxSessionExpirySeconds,
            messages);
    }
}
