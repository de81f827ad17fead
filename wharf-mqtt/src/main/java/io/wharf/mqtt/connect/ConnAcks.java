package io.wharf.mqtt.connect;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * The CONNACKs the broker sends. An accepted MQTT 5 client is told what this broker does (§3.2.2.3): retained
 * messages, shared subscriptions and subscription identifiers are available; the largest packet it may send; the identifier assigned to it, if any; and Session Expiry Interval 0 when it
 * asked for a session that outlives the connection (sessions end with their connection in this version).
 */
public final class ConnAcks {
    private ConnAcks() {
    }

    public static MqttConnAckMessage accepted(ConnectRequest request, int maxPacketSize) {
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (request.isV5()) {
            props = new MqttProperties();
            if (request.assignedClientId()) {
                props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), request.clientId()));
            }
            if (request.sessionExpirySeconds() != 0) {
                props.add(integer(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0));
            }
            props.add(integer(MqttProperties.MqttPropertyType.RETAIN_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1));
            props.add(integer(MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE, maxPacketSize));
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(false).properties(props).build();
    }

    public static MqttConnAckMessage refused(ConnectRefused.Refusal refusal, MqttVersion version) {
        return MqttMessageBuilders.connAck().returnCode(refusal.code(version)).sessionPresent(false).build();
    }

    private static MqttProperties.IntegerProperty integer(MqttProperties.MqttPropertyType type, int value) {
        return new MqttProperties.IntegerProperty(type.value(), value);
    }
}
