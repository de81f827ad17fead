package io.wharf.mqtt.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;

/**
 * The packets the broker sends, built for Netty's {@code MqttEncoder}, which writes the version the
 * connection's CONNECT named: reason codes and properties go out to MQTT 5 clients only.
 */
public final class Packets {
    private static final MqttMessage PINGRESP = new MqttMessage(
        new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    /** Reason strings are for people reading logs: a short sentence is enough. */
    private static final int MAX_REASON_STRING_CHARS = 256;

    private Packets() {
    }

    public static MqttMessage pingResp() { return PINGRESP; }

    /** PUBACK, PUBREC or PUBCOMP (PUBREL has QoS 1 in its fixed header, [MQTT-3.6.1-1]). */
    public static MqttMessage pubReply(MqttMessageType type, int packetId, byte reasonCode) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
            new MqttPubReplyMessageVariableHeader(packetId, reasonCode, MqttProperties.NO_PROPERTIES));
    }

    public static MqttSubAckMessage subAck(int packetId, int[] reasonCodes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
            new MqttSubAckPayload(reasonCodes));
    }

    public static MqttUnsubAckMessage unsubAck(int packetId, short[] reasonCodes) {
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
            new MqttUnsubAckPayload(reasonCodes));
    }

    /** DISCONNECT with a reason (MQTT 5 only: a 3.x server never sends DISCONNECT). */
    public static MqttMessage disconnect(MqttReasonCodes.Disconnect reason) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttReasonCodeAndPropertiesVariableHeader(reason.byteValue(), MqttProperties.NO_PROPERTIES));
    }

    /**
     * DISCONNECT with a reason and, if the packet stays within {@code maxPacketSize}, a Reason String saying why
     * (§3.14.2.2.3: the server must not send one that would exceed the client's Maximum Packet Size; DISCONNECT
     * may carry one whatever the client's Request Problem Information, [MQTT-3.1.2-29]).
     */
    public static MqttMessage disconnect(MqttReasonCodes.Disconnect reason, String text, int maxPacketSize) {
        String why = text.length() > MAX_REASON_STRING_CHARS ? text.substring(0, MAX_REASON_STRING_CHARS) : text;
        int size = 2 + 1 + 3 + ByteBufUtil.utf8Bytes(why) + 3; // generous: length prefixes at their widest
        if (size > maxPacketSize) return disconnect(reason);
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(), why));
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttReasonCodeAndPropertiesVariableHeader(reason.byteValue(), props));
    }

    /** @param packetId ignored for QoS 0 */
    public static MqttPublishMessage publish(String topic, int qos, boolean dup, int packetId, MqttProperties properties,
                                             byte[] payload) {
        return publish(topic, qos, dup, packetId, properties, payload, false);
    }

    /** @param retain the RETAIN flag: a retained message sent for a new subscription, or Retain As Published */
    public static MqttPublishMessage publish(String topic, int qos, boolean dup, int packetId, MqttProperties properties,
                                             byte[] payload, boolean retain) {
        return new MqttPublishMessage(
            new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
            new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId, properties),
            Unpooled.wrappedBuffer(payload));
    }
}
