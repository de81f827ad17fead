package io.wharf.mqtt.ws;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.List;

/**
 * MQTT over WebSocket (MQTT 5 §6, 3.1.1 §6), for browsers: the head of the pipeline that turns an HTTP
 * upgrade on {@value #PATH} into a WebSocket and its binary frames into the byte stream the MQTT framer cuts
 * into packets. In order:
 * <ol>
 *   <li>Netty's {@link HttpServerCodec} and {@link HttpObjectAggregator}: the upgrade request, whole;
 *   <li>{@link HandshakeGate}: 404 for another path, 400 for an upgrade that does not offer the subprotocol
 *       {@code mqtt} (or {@code mqttv3.1}, which Mosquitto accepts for old clients) [MQTT-6.0.0-3];
 *   <li>Netty's {@link WebSocketServerProtocolHandler}: the handshake, which answers with the subprotocol
 *       offered [MQTT-6.0.0-4], then pings and the close handshake;
 *   <li>{@link BinaryFrames}: a binary (or continuation) frame's payload goes on as bytes, whatever packet
 *       boundaries it cuts [MQTT-6.0.0-2]; a text frame closes the connection [MQTT-6.0.0-1]; what the
 *       MQTT encoder writes goes out as one binary frame per packet.
 * </ol>
 * After the handshake the HTTP handlers are gone and the rest of the pipeline is the one a TCP listener has.
 */
public final class MqttWebSocket {
    public static final String PATH = "/mqtt";
    /** The subprotocols accepted, in the order of preference. */
    public static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1");
    /** Largest handshake request (headers; the request has no body). */
    private static final int MAX_HANDSHAKE_BYTES = 8192;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private MqttWebSocket() {
    }

    /**
     * Adds the WebSocket handlers at the end of {@code pipeline}; the MQTT handlers follow them.
     *
     * @param maxFrameBytes largest frame payload accepted: the largest MQTT packet a client may send (a bigger
     *                      frame is refused by Netty with close code 1009, Message Too Big)
     */
    public static void install(ChannelPipeline pipeline, int maxFrameBytes) {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(PATH)
            // Lets "/mqtt?..." through to the handshake; the gate has refused every other path already.
            .checkStartsWith(true)
            .subprotocols(String.join(",", SUBPROTOCOLS))
            .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
            .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameBytes).build())
            .build();
        pipeline.addLast("ws-http", new HttpServerCodec());
        pipeline.addLast("ws-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_BYTES));
        pipeline.addLast("ws-gate", new HandshakeGate());
        pipeline.addLast("ws-protocol", new WebSocketServerProtocolHandler(config));
        pipeline.addLast("ws-frames", new BinaryFrames());
    }
}
