package io.wharf.mqtt.sys;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts MQTT packets and their bytes into {@link MqttStats}. It sits between the packet framer and Netty's MQTT
 * decoder, where each inbound buffer is one whole packet (the framer's cut) and each outbound buffer one packet
 * (the encoder writes one per message), so counting costs two adds per packet and nothing else.
 *
 * <p>Shared by every connection; thread-safe.
 */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelDuplexHandler {
    private final MqttStats stats;

    public TrafficCounter(MqttStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) stats.received(b.readableBytes());
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) stats.sent(b.readableBytes());
        ctx.write(msg, promise);
    }
}
