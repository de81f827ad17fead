package io.wharf.mqtt.codec;

import io.netty.handler.codec.mqtt.MqttReasonCodes;

/**
 * A packet the {@link PacketFramer} refused: the MQTT 5 reason code the connection is closed with (a
 * version 3 client gets no reason, only the closed socket) and what was wrong, for the log.
 */
public record RejectedPacket(MqttReasonCodes.Disconnect reason, String text) {
}
