package io.wharf.e2e;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare MQTT client on a socket, for packets no real client sends: Netty's encoder and decoder on an
 * embedded channel (one channel for both, so the decoder knows the version the CONNECT named), or raw bytes.
 * Reads wait up to 10 s.
 */
final class RawMqttClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel codec = new EmbeddedChannel(new MqttDecoder(), MqttEncoder.INSTANCE);

    RawMqttClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static MqttConnectMessage connect(MqttVersion version, String clientId, boolean clean, int keepAlive) {
        return connect(version, clientId, clean, keepAlive, "guest", "guest");
    }

    static MqttConnectMessage connect(MqttVersion version, String clientId, boolean clean, int keepAlive, String user,
                                      String password) {
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId)
            .cleanSession(clean).keepAlive(keepAlive).hasUser(true).username(user).hasPassword(true)
            .password(password.getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    /** Bytes the broker sent that are not read yet (0: nothing arrived). */
    int available() throws IOException { return in.available(); }

    /** Encodes and sends a packet. */
    void send(MqttMessage packet) throws IOException {
        codec.writeOutbound(packet);
        ByteBuf b;
        while ((b = codec.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.write(bytes);
        }
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next packet from the broker, or null once it closed the connection. */
    MqttMessage receive() throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            MqttMessage m = codec.readInbound();
            if (m != null) return m;
            int n;
            try {
                n = in.read(buf);
            } catch (java.net.SocketException e) {
                return null; // reset by the broker: closed too
            }
            if (n < 0) return null;
            codec.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
    }

    /** Connects and returns the CONNACK. */
    MqttMessage handshake(MqttVersion version, String clientId) throws IOException {
        send(connect(version, clientId, true, 60));
        return receive();
    }

    /** The reason code of a DISCONNECT the broker sent. */
    static int disconnectReason(MqttMessage m) {
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode() & 0xFF;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        codec.finishAndReleaseAll();
    }
}
