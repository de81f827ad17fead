package io.wharf.mqtt.codec;

import io.netty.handler.codec.mqtt.MqttReasonCodes;

/**
 * A packet that breaks the protocol in a way only its meaning shows (the framer refuses what its bytes
 * show): the connection is closed, an MQTT 5 client told why with DISCONNECT {@link #reason()} first.
 */
public final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient MqttReasonCodes.Disconnect reason;

    public ProtocolViolation(MqttReasonCodes.Disconnect reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public MqttReasonCodes.Disconnect reason() { return reason; }
}
