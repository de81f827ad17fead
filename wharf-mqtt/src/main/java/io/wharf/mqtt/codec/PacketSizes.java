package io.wharf.mqtt.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

/**
 * The size on the wire of a packet as Netty's {@code MqttEncoder} writes it, fixed header included — what a
 * client's Maximum Packet Size limits (MQTT 5 §3.1.2.11.4) — computed without encoding it.
 */
public final class PacketSizes {
    private PacketSizes() {
    }

    /** A PUBLISH, for a client of MQTT 5 ({@code v5}: with its properties) or 3.x. */
    public static int publish(MqttPublishMessage p, boolean v5) {
        long remaining = 2L + ByteBufUtil.utf8Bytes(p.variableHeader().topicName())
            + (p.fixedHeader().qosLevel().value() > 0 ? 2 : 0)
            + p.payload().readableBytes();
        if (v5) {
            int props = properties(p.variableHeader().properties());
            remaining += variableByteIntegerSize(props) + props;
        }
        long total = 1 + variableByteIntegerSize(remaining) + remaining;
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** The bytes of a property list, without its length prefix (§2.2.2.2). */
    public static int properties(MqttProperties props) {
        int size = 0;
        for (MqttProperties.MqttProperty<?> p : props.listAll()) {
            int id = p.propertyId();
            size += variableByteIntegerSize(id);
            if (p instanceof MqttProperties.UserProperties users) {
                size -= variableByteIntegerSize(id); // one identifier per pair, counted below
                for (MqttProperties.StringPair pair : users.value()) {
                    size += variableByteIntegerSize(id) + 2 + ByteBufUtil.utf8Bytes(pair.key)
                        + 2 + ByteBufUtil.utf8Bytes(pair.value);
                }
            } else if (p instanceof MqttProperties.UserProperty user) {
                size += 2 + ByteBufUtil.utf8Bytes(user.value().key) + 2 + ByteBufUtil.utf8Bytes(user.value().value);
            } else if (p instanceof MqttProperties.StringProperty s) {
                size += 2 + ByteBufUtil.utf8Bytes(s.value());
            } else if (p instanceof MqttProperties.BinaryProperty b) {
                size += 2 + b.value().length;
            } else if (p instanceof MqttProperties.IntegerProperty i) {
                size += integerSize(id, i.value());
            }
        }
        return size;
    }

    private static int integerSize(int id, int value) {
        MqttProperties.MqttPropertyType type = MqttProperties.MqttPropertyType.valueOf(id);
        return switch (type) {
            case SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> 2;
            case PUBLICATION_EXPIRY_INTERVAL, SESSION_EXPIRY_INTERVAL, WILL_DELAY_INTERVAL, MAXIMUM_PACKET_SIZE -> 4;
            case SUBSCRIPTION_IDENTIFIER -> variableByteIntegerSize(value);
            default -> 1;
        };
    }

    /** The bytes of a Variable Byte Integer (§1.5.5). */
    public static int variableByteIntegerSize(long value) {
        if (value < 128) return 1;
        if (value < 16_384) return 2;
        if (value < 2_097_152) return 3;
        return 4;
    }
}
