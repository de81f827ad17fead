package io.wharf.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Framing, the size limit from the fixed header, and the topic checks Netty's decoder does not make. */
class PacketFramerTest {
    /** A QoS 0 PUBLISH of {@code topic} (raw bytes) with a payload of {@code payloadBytes}. */
    private static ByteBuf publish(byte[] topic, int payloadBytes) {
        int remaining = 2 + topic.length + payloadBytes;
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x30);
        do {
            int digit = remaining & 0x7F;
            remaining >>>= 7;
            b.writeByte(remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        b.writeShort(topic.length).writeBytes(topic).writeZero(payloadBytes);
        return b;
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void wholePacketsComeOutOneByOneEvenWhenSplitAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(1024));
        ByteBuf two = Unpooled.buffer().writeBytes(publish(utf8("a/b"), 10)).writeBytes(publish(utf8("c"), 0));
        int first = 2 + 2 + 3 + 10;
        ch.writeInbound(two.readRetainedSlice(3));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(two.readRetainedSlice(two.readableBytes()));
        ByteBuf p1 = ch.readInbound();
        ByteBuf p2 = ch.readInbound();
        assertThat(p1.readableBytes()).isEqualTo(first);
        assertThat(p2.readableBytes()).isEqualTo(2 + 2 + 1);
        p1.release();
        p2.release();
        two.release();
    }

    @Test
    void aPacketOverTheLimitIsRefusedFromItsFixedHeaderAlone() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(100));
        ByteBuf big = publish(utf8("t"), 1000);
        ch.writeInbound(big.readRetainedSlice(5)); // the fixed header and a little more
        RejectedPacket r = ch.readInbound();
        assertThat(r.reason()).isEqualTo(MqttReasonCodes.Disconnect.PACKET_TOO_LARGE);
        assertThat(r.text()).contains("1006 bytes").contains("100 bytes");
        ch.writeInbound(big.readRetainedSlice(big.readableBytes()));
        assertThat((Object) ch.readInbound()).as("everything after is dropped").isNull();
        big.release();
    }

    @Test
    void topicsThatAreNotValidMqttTopicNamesAreRefused() {
        assertThat(rejection(new byte[] {'a', (byte) 0xC3, '/'})).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID);
        assertThat(rejection(new byte[] {'a', 0, 'b'})).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID);
        assertThat(rejection(utf8("a/+/b"))).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID);
        assertThat(rejection(utf8("a/#"))).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID);
        assertThat(rejection(new byte[0])).isEqualTo(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
        assertThat(rejection(utf8("caf\u00e9/\u00fc"))).isNull();
    }

    @Test
    void aRemainingLengthOfFiveBytesIsMalformed() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(1024));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}));
        RejectedPacket r = ch.readInbound();
        assertThat(r.reason()).isEqualTo(MqttReasonCodes.Disconnect.MALFORMED_PACKET);
    }

    private static MqttReasonCodes.Disconnect rejection(byte[] topic) {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(1024));
        ch.writeInbound(publish(topic, 4));
        Object out = ch.readInbound();
        if (out instanceof ByteBuf b) {
            b.release();
            return null;
        }
        return ((RejectedPacket) out).reason();
    }

    @Test
    void anEmptyTopicPassesOnlyOnceTopicAliasesAreInUse() {
        PacketFramer framer = new PacketFramer(1024);
        framer.allowEmptyTopic();
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        ch.writeInbound(publish(new byte[0], 3));
        Object out = ch.readInbound();
        assertThat(out).isInstanceOf(ByteBuf.class); // the connection resolves the alias
        ((ByteBuf) out).release();
    }
}
