package io.wharf.mqtt.session;

import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.mqtt.access.LivePermission;

/**
 * Who is on an accepted connection and where: the client identifier, protocol version, user and
 * permissions, the virtual host and exchange MQTT works through, and the connection's owner id (of its
 * exclusive session queue). Immutable but for the permissions, which follow the administrator's changes.
 *
 * @param access the user's permissions, which may change while connected ({@link #permission} reads them)
 * @param clean whether the session ends with the connection (3.1.1 clean session; 5: session expiry 0 —
 *              the only kind of session this version keeps, see {@code MqttConnection})
 */
public record Session(String clientId, MqttVersion version, User user, LivePermission access, VirtualHost vhost,
                      Exchange exchange, long connectionId, boolean clean) {
    /** The session's queue in the vhost: {@code mqtt-subscription-<client id>} (one for every QoS). */
    public String queueName() { return SessionQueues.name(clientId); }

    /** The user's permissions in the vhost now. */
    public Permission permission() { return access.get(); }

    public boolean isV5() { return version == MqttVersion.MQTT_5; }
}
