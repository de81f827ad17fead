package io.wharf.mqtt.connect;

import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.mqtt.connect.ConnectRefused.Refusal;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The client identifier rules of CONNECT. An empty identifier gets one assigned by the broker: in 3.1.1 only
 * with a clean session ([MQTT-3.1.3-7]; without one it is "identifier rejected", [MQTT-3.1.3-8]), in 5 always
 * (and it is returned in the CONNACK's Assigned Client Identifier, [MQTT-3.2.2-16]). 3.1 requires 1 to 23
 * characters, which Netty's decoder enforces.
 */
public final class ClientIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "wharf-";

    private ClientIds() {
    }

    /** The identifier the session is known by: {@code requested}, or a new one when empty and allowed. */
    public static String resolve(String requested, boolean cleanSession, MqttVersion version) {
        if (!requested.isEmpty()) return requested;
        if (version != MqttVersion.MQTT_5 && !cleanSession) {
            throw new ConnectRefused(Refusal.CLIENT_IDENTIFIER_NOT_VALID,
                "an empty client identifier needs a clean session [MQTT-3.1.3-8]");
        }
        if (version == MqttVersion.MQTT_3_1) {
            throw new ConnectRefused(Refusal.CLIENT_IDENTIFIER_NOT_VALID, "MQTT 3.1 needs a client identifier");
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return PREFIX + HexFormat.of().formatHex(random);
    }

}
