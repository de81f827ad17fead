package io.wharf.mqtt.session;

import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.broker.vhost.QueueDefinition;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.mqtt.access.LivePermission;
import io.wharf.mqtt.bridge.KafkaExport;
import io.wharf.mqtt.retained.RetainedMessages;
import java.util.Map;

/**
 * Who is on an accepted connection and where: the client identifier, protocol version, user and
 * permissions, the virtual host and exchange MQTT works through, the connection's owner id, and how long
 * the session outlives the connection. Immutable but for the permissions, which follow the administrator's
 * changes.
 *
 * @param access        the user's permissions, which may change while connected ({@link #permission} reads them)
 * @param expirySeconds the Session Expiry Interval the broker granted at CONNECT ({@link SessionExpiry}):
 *                      0 ends the session with the connection, {@link SessionExpiry#NEVER} never ends it
 * @param retained      the retained messages of MQTT's vhost, which its publishes (and will) update
 * @param export        where its publishes (and will) also go in Kafka ({@code mqtt.kafka.export})
 */
public record Session(String clientId, MqttVersion version, User user, LivePermission access, VirtualHost vhost,
                      Exchange exchange, long connectionId, long expirySeconds, RetainedMessages retained,
                      KafkaExport export) {
    /** The session's queue in the vhost: {@code mqtt-subscription-<client id>} (one for every QoS). */
    public String queueName() { return SessionQueues.name(clientId); }

    /** The user's permissions in the vhost now. */
    public Permission permission() { return access.get(); }

    /** The same session with another expiry (a v5 DISCONNECT may change it). */
    public Session withExpiry(long seconds) {
        return new Session(clientId, version, user, access, vhost, exchange, connectionId, seconds, retained, export);
    }

    public boolean isV5() { return version == MqttVersion.MQTT_5; }

    /** Whether the session ends with its connection (3.1.1 clean session; 5: Session Expiry Interval 0). */
    public boolean clean() { return expirySeconds == 0; }

    /**
     * How the session's queue is declared when the first SUBSCRIBE needs it: for a clean session transient
     * and exclusive to the connection, so that it goes with it; otherwise durable, with the session expiry as
     * its {@code x-expires} (RabbitMQ's mapping), so that it and its bindings survive a restart and are
     * deleted once the session has gone unused that long.
     */
    public QueueDefinition queueDefinition() {
        if (clean()) return new QueueDefinition(queueName(), false, true, connectionId, Map.of());
        return new QueueDefinition(queueName(), true, false, 0, SessionExpiry.queueArguments(expirySeconds));
    }
}
