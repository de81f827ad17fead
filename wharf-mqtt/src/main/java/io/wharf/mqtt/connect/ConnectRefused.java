package io.wharf.mqtt.connect;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * A CONNECT the broker refuses: answered with a CONNACK carrying the refusal's return code (3.1, 3.1.1) or
 * reason code (5), then the connection is closed [MQTT-3.2.2-5].
 */
public final class ConnectRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, in terms both code tables have. */
    public enum Refusal {
        UNSUPPORTED_PROTOCOL_VERSION(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
            MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION),
        CLIENT_IDENTIFIER_NOT_VALID(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
            MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID),
        BAD_USER_NAME_OR_PASSWORD(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
            MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD),
        NOT_AUTHORIZED(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
            MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5),
        SERVER_UNAVAILABLE(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5),
        MALFORMED(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET),
        PROTOCOL_ERROR(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR),
        TOPIC_NAME_INVALID(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID),
        BAD_AUTHENTICATION_METHOD(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
            MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD);

        private final MqttConnectReturnCode v3;
        private final MqttConnectReturnCode v5;

        Refusal(MqttConnectReturnCode v3, MqttConnectReturnCode v5) {
            this.v3 = v3;
            this.v5 = v5;
        }

        public MqttConnectReturnCode code(MqttVersion version) { return version == MqttVersion.MQTT_5 ? v5 : v3; }
    }

    private final Refusal refusal;

    public ConnectRefused(Refusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() { return refusal; }
}
