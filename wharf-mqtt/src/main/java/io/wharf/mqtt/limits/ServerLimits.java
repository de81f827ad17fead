package io.wharf.mqtt.limits;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.connect.ConnectRequest;

/**
 * What the server tells an MQTT 5 client in its CONNACK about what it may do, beyond what {@code ConnAcks}
 * says: the Topic Alias Maximum it may use on PUBLISHes (§3.2.2.3.8), and the Server Keep Alive when the
 * broker caps the keep-alive (§3.2.2.3.14: the client must then use that value [MQTT-3.2.2-21]).
 */
public final class ServerLimits {
    private ServerLimits() {
    }

    /**
     * The keep-alive in force, in seconds (0: none): the client's, unless it is an MQTT 5 client asking for more
     * than {@code mqtt.max.keepalive} or for none while there is a maximum — then the maximum, which the CONNACK
     * announces. A 3.x client cannot be told, so it keeps its own (as Mosquitto does for 3.1.1 under a limit).
     */
    public static int keepAlive(ConnectRequest request, MqttSettings settings) {
        int asked = request.keepAliveSeconds();
        int max = settings.maxKeepAliveSeconds();
        if (!request.isV5() || max == 0) return asked;
        return asked == 0 || asked > max ? max : asked;
    }

    /** Adds the limits to an accepted MQTT 5 CONNACK's (mutable) properties. */
    public static void advertise(MqttProperties connAck, ConnectRequest request, MqttSettings settings) {
        if (settings.topicAliasMaximum() > 0) {
            connAck.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(),
                settings.topicAliasMaximum()));
        }
        int keepAlive = keepAlive(request, settings);
        if (keepAlive != request.keepAliveSeconds()) {
            connAck.add(new MqttProperties.IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), keepAlive));
        }
    }
}
