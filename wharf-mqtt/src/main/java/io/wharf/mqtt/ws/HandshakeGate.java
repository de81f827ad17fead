package io.wharf.mqtt.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, with an HTTP answer and a log line, what Netty's handshake handler would pass on or accept without
 * the subprotocol: a request for another path than {@value MqttWebSocket#PATH} (404 Not Found), and an
 * upgrade that offers none of {@link MqttWebSocket#SUBPROTOCOLS} (400 Bad Request: the server must answer
 * with "mqtt" [MQTT-6.0.0-4], and a client such as Paho refuses a handshake without it). The connection is
 * closed after the answer. Anything else goes on to the handshake; after it this handler sees nothing more.
 */
final class HandshakeGate extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGate.class);

    HandshakeGate() {
        super(false); // a request let through is released by the handshake handler
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(MqttWebSocket.PATH)) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, "MQTT over WebSocket is served at "
                + MqttWebSocket.PATH + ", not at " + path);
            return;
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (request.headers().contains(HttpHeaderNames.UPGRADE) && !offersMqtt(offered)) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "a WebSocket upgrade must offer the subprotocol "
                + String.join(" or ", MqttWebSocket.SUBPROTOCOLS) + " (offered: " + (offered == null ? "none" : offered)
                + ")");
            return;
        }
        ctx.fireChannelRead(request);
    }

    private static boolean offersMqtt(String header) {
        return header != null && Arrays.stream(header.split(",")).map(String::trim)
            .anyMatch(MqttWebSocket.SUBPROTOCOLS::contains);
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String why) {
        LOG.info("Refusing HTTP request {} {} from {}: {} {}", request.method(), request.uri(),
            ctx.channel().remoteAddress(), status.code(), why);
        request.release();
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
            Unpooled.copiedBuffer(why + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
