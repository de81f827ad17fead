package io.wharf.mqtt.connect;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.mqtt.will.Will;

/**
 * What a CONNECT asks for, read once: protocol version, client identifier (resolved by {@link ClientIds}),
 * session flags, keep-alive, credentials, the will and the MQTT 5 properties the broker acts on.
 *
 * @param assignedClientId whether the broker made the identifier up (v5 returns it in the CONNACK)
 * @param sessionExpirySeconds v5 Session Expiry Interval (0 for 3.x, and when absent), unsigned
 * @param receiveMaximum   v5 Receive Maximum: QoS 1 and 2 deliveries the client takes at once; 0 when absent
 * @param will             the Will Message, or null
 * @param username         null without the user name flag
 * @param password         null without the password flag
 */
public record ConnectRequest(MqttVersion version, String clientId, boolean assignedClientId, boolean cleanStart,
                             int keepAliveSeconds, long sessionExpirySeconds, int receiveMaximum, Will will,
                             String username, byte[] password) {

    /** @throws ConnectRefused if the client identifier is not acceptable, or v5 properties are out of range */
    public static ConnectRequest of(MqttConnectMessage connect) {
        MqttConnectVariableHeader h = connect.variableHeader();
        MqttConnectPayload p = connect.payload();
        MqttVersion version = MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version());
        MqttProperties props = h.properties();
        long expiry = 0;
        int receiveMaximum = 0;
        if (version == MqttVersion.MQTT_5) {
            if (props.getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value()) instanceof
                MqttProperties.IntegerProperty e) {
                expiry = e.value() & 0xFFFFFFFFL;
            }
            if (props.getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value()) instanceof
                MqttProperties.IntegerProperty r) {
                receiveMaximum = r.value();
                if (receiveMaximum == 0) {
                    throw new ConnectRefused(ConnectRefused.Refusal.PROTOCOL_ERROR, "Receive Maximum 0 [MQTT-3.1.2.11.3]");
                }
            }
            if (props.getProperty(MqttProperties.MqttPropertyType.AUTHENTICATION_METHOD.value()) != null) {
                throw new ConnectRefused(ConnectRefused.Refusal.BAD_AUTHENTICATION_METHOD,
                    "enhanced authentication (AUTH) is not supported");
            }
        }
        String requested = p.clientIdentifier() == null ? "" : p.clientIdentifier();
        String clientId = ClientIds.resolve(requested, h.isCleanSession(), version);
        return new ConnectRequest(version, clientId, requested.isEmpty(), h.isCleanSession(), h.keepAliveTimeSeconds(),
            expiry, receiveMaximum, Will.of(connect), h.hasUserName() ? p.userName() : null,
            h.hasPassword() ? p.passwordInBytes() : null);
    }

    public boolean isV5() { return version == MqttVersion.MQTT_5; }

    public boolean hasWill() { return will != null; }
}
