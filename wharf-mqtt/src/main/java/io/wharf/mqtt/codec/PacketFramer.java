package io.wharf.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.wharf.broker.routing.TopicSyntax;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts the byte stream into whole MQTT packets for Netty's {@code MqttDecoder}, and refuses what that decoder
 * would let through or only notice late:
 * <ul>
 *   <li>a packet over the size limit, from its fixed header — before its body is buffered (MQTT 5 §3.1.2.11.4:
 *       the size counts the fixed header; the decoder would buffer the whole body first);
 *   <li>a fixed header whose Remaining Length runs over four bytes (§1.5.5, Malformed Packet);
 *   <li>a PUBLISH whose topic name is not well-formed UTF-8 (§1.5.4: the decoder would replace the bad bytes
 *       with U+FFFD), contains U+0000 or a wildcard, or is empty where topic aliases are not in use (an MQTT 5
 *       PUBLISH may name its topic by alias alone, §3.3.2.3.4; the connection checks the alias).
 * </ul>
 * A refused packet comes out as one {@link RejectedPacket}; after it the framer drops every byte until the
 * connection closes, so nothing decoded after a bad packet is ever acted on.
 *
 * <p>Not thread-safe: one per connection, on its event loop. The limit may change between packets
 * ({@link #maxPacketSize}: smaller before CONNECT is authenticated).
 */
public final class PacketFramer extends ByteToMessageDecoder {
    private static final int PUBLISH = 3;
    private int maxPacketSize;
    private boolean emptyTopicAllowed;
    private boolean rejected;

    public PacketFramer(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** The largest packet accepted from now on, fixed header included. */
    public void maxPacketSize(int max) { this.maxPacketSize = max; }

    public int maxPacketSize() { return maxPacketSize; }

    /** From now on a PUBLISH may have an empty topic name, to be resolved from its topic alias (MQTT 5). */
    public void allowEmptyTopic() { this.emptyTopicAllowed = true; }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 2) return;
        int remaining = 0;
        int lengthBytes = 0;
        boolean complete = false;
        while (lengthBytes < 4) {
            if (1 + lengthBytes >= available) return; // the length is not all here yet
            int digit = in.getUnsignedByte(start + 1 + lengthBytes);
            remaining |= (digit & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if ((digit & 0x80) == 0) {
                complete = true;
                break;
            }
        }
        if (!complete) {
            reject(in, out, MqttReasonCodes.Disconnect.MALFORMED_PACKET,
                "the Remaining Length of a packet runs over 4 bytes");
            return;
        }
        long size = 1L + lengthBytes + remaining;
        if (size > maxPacketSize) {
            int type = in.getUnsignedByte(start) >> 4;
            reject(in, out, MqttReasonCodes.Disconnect.PACKET_TOO_LARGE, "a packet of type " + type + " is " + size
                + " bytes, more than the maximum packet size of " + maxPacketSize + " bytes");
            return;
        }
        if (available < size) return;
        int body = start + 1 + lengthBytes;
        if (in.getUnsignedByte(start) >> 4 == PUBLISH) {
            RejectedPacket bad = checkTopic(in, body, remaining, emptyTopicAllowed);
            if (bad != null) {
                rejected = true;
                in.skipBytes(in.readableBytes());
                out.add(bad);
                return;
            }
        }
        out.add(in.readRetainedSlice((int) size));
    }

    /** The topic name is the first field of a PUBLISH in every version: two length bytes, then UTF-8. */
    private static RejectedPacket checkTopic(ByteBuf in, int at, int remaining, boolean emptyAllowed) {
        if (remaining < 2) return new RejectedPacket(MqttReasonCodes.Disconnect.MALFORMED_PACKET, "a PUBLISH without a topic name");
        int length = in.getUnsignedShort(at);
        if (length + 2 > remaining) {
            return new RejectedPacket(MqttReasonCodes.Disconnect.MALFORMED_PACKET,
                "a PUBLISH topic name of " + length + " bytes runs past the end of its packet");
        }
        if (length == 0) {
            return emptyAllowed ? null : new RejectedPacket(MqttReasonCodes.Disconnect.PROTOCOL_ERROR,
                "a PUBLISH with an empty topic name [MQTT-4.7.3-1]");
        }
        String topic;
        try {
            topic = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in.nioBuffer(at + 2, length)).toString();
        } catch (CharacterCodingException e) {
            return new RejectedPacket(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID,
                "a PUBLISH topic name is not well-formed UTF-8 [MQTT-1.5.4-1]");
        }
        try {
            TopicSyntax.MQTT.validateTopic(topic);
        } catch (IllegalArgumentException e) {
            return new RejectedPacket(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID, e.getMessage());
        }
        return null;
    }

    private void reject(ByteBuf in, List<Object> out, MqttReasonCodes.Disconnect reason, String text) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        out.add(new RejectedPacket(reason, text));
    }
}
