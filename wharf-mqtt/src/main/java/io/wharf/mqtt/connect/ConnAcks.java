package io.wharf.mqtt.connect;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * The CONNACKs the broker sends. An accepted MQTT 5 client is told what this broker does (§3.2.2.3): retained
 * messages, shared subscriptions and subscription identifiers are available; the largest packet it may send;
 * the identifier assigned to it, if any; and the Session Expiry Interval the broker uses when the client asked
 * for one (it may be capped, [MQTT-3.2.2-21]). Session Present says whether the connection resumed a stored
 * session [MQTT-3.2.2-2]; a refusal never has it [MQTT-3.2.2-4].
 */
public final class ConnAcks {
    private ConnAcks() {
    }

    /** @param grantedExpiry the session expiry the broker grants ({@code SessionExpiry#grant}) */
    public static MqttConnAckMessage accepted(ConnectRequest request, int maxPacketSize, boolean sessionPresent,
                                              long grantedExpiry) {
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (request.isV5()) {
            props = new MqttProperties();
            if (request.assignedClientId()) {
                props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), request.clientId()));
            }
            if (request.sessionExpirySeconds() != 0) {
                props.add(integer(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, (int) grantedExpiry));
            }
            props.add(integer(MqttProperties.MqttPropertyType.RETAIN_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE, maxPacketSize));
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(sessionPresent).properties(props).build();
    }

    public static MqttConnAckMessage refused(ConnectRefused.Refusal refusal, MqttVersion version) {
        return MqttMessageBuilders.connAck().returnCode(refusal.code(version)).sessionPresent(false).build();
    }

    private static MqttProperties.IntegerProperty integer(MqttProperties.MqttPropertyType type, int value) {
        return new MqttProperties.IntegerProperty(type.value(), value);
    }
}
