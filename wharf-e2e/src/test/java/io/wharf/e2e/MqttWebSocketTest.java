package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT over WebSocket, as a browser client uses it: {@code ws://host:port/mqtt} with the subprotocol "mqtt",
 * MQTT packets in binary frames however the frames cut them, and the same broker behind it as over TCP.
 */
class MqttWebSocketTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "mqtt.listeners", "MQTT://127.0.0.1:0,WS://127.0.0.1:0");

    private static int wsPort() { return broker.server().boundPort("WS"); }

    private static String wsUri() { return "ws://127.0.0.1:" + wsPort() + "/mqtt"; }

    @Test
    void aPahoV3ClientOverWebSocketPublishesToATcpSubscriberAndSubscribesItself() throws Exception {
        MqttClient ws = new MqttClient(wsUri(), "ws-v3", new MemoryPersistence());
        ws.connect(MqttClientSupport.v3Options("guest", "guest"));
        MqttClient tcp = MqttClientSupport.v3(broker.get(), "tcp-v3");
        try {
            Inbox overTcp = new Inbox();
            Inbox overWs = new Inbox();
            tcp.subscribe("browser/+/events", 1, overTcp);
            ws.subscribe("browser/#", 1, overWs);
            ws.publish("browser/tab1/events", utf8("clicked"), 1, false);
            assertThat(overTcp.take().payload()).isEqualTo("clicked");
            assertThat(overWs.take().payload()).isEqualTo("clicked");
            tcp.publish("browser/tab2/events", utf8("from tcp"), 1, false);
            assertThat(overWs.take().payload()).isEqualTo("from tcp");
        } finally {
            closeQuietly(ws, tcp);
        }
    }

    @Test
    void aPahoV5ClientOverWebSocketRunsQos2BothWays() throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(wsUri(), "ws-v5",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        c.connect(MqttClientSupport.v5Options("guest", "guest"));
        try {
            Inbox inbox = new Inbox();
            c.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription("ws5/t", 2)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
            for (int i = 0; i < 3; i++) c.publish("ws5/t", utf8("m" + i), 2, false);
            var got = inbox.take(3);
            assertThat(got).extracting(MqttClientSupport.Got::payload).containsExactly("m0", "m1", "m2");
            assertThat(got).extracting(MqttClientSupport.Got::qos).containsOnly(2);
        } finally {
            closeQuietly(c);
        }
    }

    @Test
    void aPacketCutAcrossFramesAndPacketsSharingAFrameAreRead() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(wsPort())) {
            String head = ws.handshake("/mqtt", "mqtt");
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: mqtt");
            byte[] connect = encode(RawMqttClient.connect(MqttVersion.MQTT_3_1_1, "ws-raw", true, 60));
            byte[] ping = {(byte) 0xC0, 0};
            // CONNECT in three frames: a first one, a continuation, and the last bytes with two PINGREQs after them.
            int a = 3;
            int b = connect.length - 4;
            ws.send(RawWebSocket.BINARY, false, Arrays.copyOfRange(connect, 0, a));
            ws.send(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(connect, a, b));
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(connect, b, connect.length - b);
            rest.write(ping);
            rest.write(ping);
            ws.send(RawWebSocket.BINARY, true, rest.toByteArray());
            byte[] got = ws.receiveBinary(4 + 2 + 2);
            assertThat(got[0]).isEqualTo((byte) 0x20); // CONNACK
            assertThat(got[3]).isZero(); // accepted
            assertThat(Arrays.copyOfRange(got, 4, 8)).containsExactly(0xD0, 0, 0xD0, 0); // two PINGRESPs
        }
    }

    @Test
    void aTextFrameClosesTheConnection() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(wsPort())) {
            assertThat(ws.handshake("/mqtt", "mqttv3.1")).startsWith("HTTP/1.1 101")
                .containsIgnoringCase("sec-websocket-protocol: mqttv3.1");
            ws.send(RawWebSocket.TEXT, true, utf8("hello"));
            RawWebSocket.Frame f = ws.receive();
            assertThat(f).isNotNull();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(((f.payload()[0] & 0xFF) << 8) | (f.payload()[1] & 0xFF)).isEqualTo(1003);
            assertThat(ws.receive()).isNull();
        }
    }

    @Test
    void anotherPathIsNotFound() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(wsPort())) {
            assertThat(ws.handshake("/ws", "mqtt")).startsWith("HTTP/1.1 404");
            assertThat(ws.readToEnd()).as("the body, then the broker closes").contains("/mqtt");
        }
    }

    @Test
    void anUpgradeWithoutTheMqttSubprotocolIsABadRequest() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(wsPort())) {
            assertThat(ws.handshake("/mqtt", null)).startsWith("HTTP/1.1 400");
            assertThat(ws.readToEnd()).contains("subprotocol mqtt");
        }
        try (RawWebSocket ws = new RawWebSocket(wsPort())) {
            assertThat(ws.handshake("/mqtt", "wamp, stomp")).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void theTcpListenerStillSpeaksPlainMqtt() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            MqttMessage ack = raw.handshake(MqttVersion.MQTT_3_1_1, "plain-tcp");
            assertThat(ack.fixedHeader().messageType().value()).isEqualTo(2);
        }
    }

    private static byte[] encode(MqttMessage m) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        ch.writeOutbound(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }
}
