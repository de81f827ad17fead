package io.wharf.mqtt.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket data frames to and from the MQTT byte stream. Inbound, the payload of each binary frame and of its
 * continuations goes on as it is: frames and packets need not line up [MQTT-6.0.0-2], the MQTT framer after
 * this handler finds the packets. A text frame closes the connection (close code 1003) [MQTT-6.0.0-1].
 * Outbound, each encoded packet leaves as one binary frame. Pings, pongs and close frames are Netty's
 * handshake handler's, before this one.
 */
final class BinaryFrames extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryFrames.class);
    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            frame.release();
            return;
        }
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(frame.content());
            return;
        }
        LOG.info("Closing MQTT over WebSocket connection from {}: a {} frame; MQTT goes in binary frames only "
            + "[MQTT-6.0.0-1]", ctx.channel().remoteAddress(), frame.getClass().getSimpleName());
        ReferenceCountUtil.release(frame);
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
            .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && ctx.pipeline().get("ws-gate") != null) {
            ctx.pipeline().remove("ws-gate"); // only HTTP requests concern it
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
