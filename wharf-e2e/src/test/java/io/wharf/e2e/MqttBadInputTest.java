package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.io.ByteArrayOutputStream;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input on raw sockets: each closes its own connection — an MQTT 5 client gets a DISCONNECT with the
 * reason first, a 3.1.1 client only the closed socket — and a Paho client connected throughout carries on.
 */
class MqttBadInputTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static org.eclipse.paho.mqttv5.client.MqttClient bystander;
    static final Inbox bystanderInbox = new Inbox();
    static int round;

    @BeforeAll
    static void start() throws Exception {
        bystander = MqttClientSupport.v5(broker.get(), "bystander");
        bystander.subscribe(new MqttSubscription[] {new MqttSubscription("bystander/#", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {bystanderInbox});
    }

    @AfterAll
    static void stop() {
        closeQuietly(bystander);
    }

    @AfterEach
    void theBystanderIsUnaffected() throws Exception {
        String text = "still served " + (++round);
        bystander.publish("bystander/check", utf8(text), 1, false);
        assertThat(bystanderInbox.take().payload()).isEqualTo(text);
    }

    // ---- before CONNECT ----

    @Test
    void aPacketBeforeConnectClosesTheConnectionWithoutAnswer() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.sendBytes(new byte[] {(byte) 0xC0, 0x00}); // PINGREQ
            assertThat(raw.receive()).isNull();
        }
    }

    @Test
    void anOversizedConnectIsRefusedFromItsFixedHeader() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0x10);
            remainingLength(b, 100_000); // over the 64 KiB allowed before login; the body is never sent
            raw.sendBytes(b.toByteArray());
            assertThat(raw.receive()).isNull();
        }
    }

    @Test
    void anUnknownProtocolLevelGetsUnacceptableProtocolVersion() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.sendBytes(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 9, 0x02, 0, 60, 0, 1, 'x'});
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            assertThat(raw.receive()).isNull();
        }
    }

    @Test
    void anEmptyClientIdWithoutCleanSessionIsRejected() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.send(RawMqttClient.connect(MqttVersion.MQTT_3_1_1, "", false, 60));
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            assertThat(raw.receive()).isNull();
        }
    }

    // ---- after CONNECT ----

    enum Bad {
        MALFORMED_SUBSCRIBE(0x81, new byte[] {(byte) 0x80, 6, 0, 1, 0, 1, 'a', 0}),
        QOS_3(0x81, new byte[] {0x36, 7, 0, 1, 't', 0, 1, 'h', 'i'}),
        WILDCARD_TOPIC(0x90, publish(new byte[] {'a', '/', '+'})),
        NUL_IN_TOPIC(0x90, publish(new byte[] {'a', 0, 'b'})),
        INVALID_UTF8_TOPIC(0x90, publish(new byte[] {'a', (byte) 0xFF, 'b'})),
        SECOND_CONNECT(0x82, null),
        OVERSIZED(0x95, oversizedPublishHeader());

        final int reason;
        final byte[] bytes;

        Bad(int reason, byte[] bytes) {
            this.reason = reason;
            this.bytes = bytes;
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void anMqtt5ClientGetsADisconnectWithTheReasonThenTheConnectionCloses(Bad bad) throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            assertAccepted(raw.handshake(MqttVersion.MQTT_5, "bad5-" + bad));
            sendBad(raw, bad, MqttVersion.MQTT_5);
            MqttMessage bye = raw.receive();
            assertThat(bye).isNotNull();
            assertThat(bye.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(RawMqttClient.disconnectReason(bye)).isEqualTo(bad.reason);
            assertThat(raw.receive()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void anMqtt311ClientIsDisconnected(Bad bad) throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            assertAccepted(raw.handshake(MqttVersion.MQTT_3_1_1, "bad3-" + bad));
            sendBad(raw, bad, MqttVersion.MQTT_3_1_1);
            assertThat(raw.receive()).isNull();
        }
    }

    // ---- helpers ----

    private static void sendBad(RawMqttClient raw, Bad bad, MqttVersion version) throws Exception {
        if (bad == Bad.SECOND_CONNECT) raw.send(RawMqttClient.connect(version, "again", true, 60));
        else raw.sendBytes(bad.bytes);
    }

    private static void assertAccepted(MqttMessage m) {
        assertThat(((MqttConnAckMessage) m).variableHeader().connectReturnCode())
            .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }

    /** A QoS 0 PUBLISH with a raw topic and a 2-byte payload; version independent up to the properties (v5: one 0 byte). */
    private static byte[] publish(byte[] topic) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x30);
        b.write(2 + topic.length + 1 + 2);
        b.write(0);
        b.write(topic.length);
        b.writeBytes(topic);
        b.write(0); // v5: no properties (3.1.1 reads it as payload)
        b.writeBytes(new byte[] {'h', 'i'});
        return b.toByteArray();
    }

    /** The fixed header of a 20 MiB PUBLISH and the start of its topic, nothing more. */
    private static byte[] oversizedPublishHeader() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x30);
        remainingLength(b, 20 * 1024 * 1024);
        b.writeBytes(new byte[] {0, 1, 't'});
        return b.toByteArray();
    }

    private static void remainingLength(ByteArrayOutputStream b, int n) {
        do {
            int digit = n & 0x7F;
            n >>>= 7;
            b.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
    }
}
