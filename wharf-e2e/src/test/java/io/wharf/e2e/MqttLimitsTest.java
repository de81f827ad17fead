package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MQTT 5 limits each side sets the other in CONNECT and CONNACK: topic aliases both ways, the client's
 * Maximum Packet Size, reason strings. Raw packets where Paho hides the wire; Paho v5 where it uses the limit
 * on its own (it sends topic aliases whenever the CONNACK allows them).
 */
class MqttLimitsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static MqttProperties props(MqttPropertyType type, int value) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(type.value(), value));
        return p;
    }

    /** A raw MQTT 5 client connected as guest with {@code connectProperties}; returns it with the CONNACK read. */
    private static RawMqttClient connect(String clientId, MqttProperties connectProperties, MqttConnAckMessage[] ack)
        throws Exception {
        RawMqttClient raw = new RawMqttClient(broker.mqttPort());
        raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(clientId).cleanSession(true)
            .keepAlive(60).hasUser(true).username("guest").hasPassword(true)
            .password("guest".getBytes(StandardCharsets.UTF_8)).properties(connectProperties).build());
        ack[0] = (MqttConnAckMessage) raw.receive();
        return raw;
    }

    private static void subscribe(RawMqttClient raw, String filter, int qos) throws Exception {
        raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.valueOf(qos), filter).build());
        assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.SUBACK);
    }

    private static MqttPublishMessage publish(String topic, MqttProperties props, String payload) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttPublishVariableHeader(topic, -1, props), Unpooled.wrappedBuffer(utf8(payload)));
    }

    private static Integer alias(MqttPublishMessage m) {
        return m.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value())
            instanceof MqttProperties.IntegerProperty p ? p.value() : null;
    }

    private static String payload(MqttPublishMessage m) { return m.payload().toString(StandardCharsets.UTF_8); }

    @Test
    void theConnAckAdvertisesTopicAliasesAndAPublishMayNameItsTopicByAlias() throws Exception {
        MqttClient watcher = MqttClientSupport.v3(broker.get(), "alias-watcher");
        MqttConnAckMessage[] ack = new MqttConnAckMessage[1];
        try (RawMqttClient raw = connect("alias-in", MqttProperties.NO_PROPERTIES, ack)) {
            assertThat(ack[0].variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value())
                .value()).isEqualTo(16);
            Inbox inbox = new Inbox();
            watcher.subscribe("alias/in/#", 0, inbox);
            raw.send(publish("alias/in/a", props(MqttPropertyType.TOPIC_ALIAS, 3), "one"));
            raw.send(publish("", props(MqttPropertyType.TOPIC_ALIAS, 3), "two"));
            raw.send(publish("alias/in/b", props(MqttPropertyType.TOPIC_ALIAS, 3), "three")); // rebinds 3
            raw.send(publish("", props(MqttPropertyType.TOPIC_ALIAS, 3), "four"));
            assertThat(inbox.take(4)).extracting(g -> g.topic() + "=" + g.payload())
                .containsExactly("alias/in/a=one", "alias/in/a=two", "alias/in/b=three", "alias/in/b=four");

            raw.send(publish("alias/in/c", props(MqttPropertyType.TOPIC_ALIAS, 17), "over the maximum"));
            MqttMessage d = raw.receive();
            assertThat(d.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(RawMqttClient.disconnectReason(d)).as("Topic Alias Invalid").isEqualTo(0x94);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).properties()
                .getProperty(MqttPropertyType.REASON_STRING.value()).value()).asString().contains("17");
        } finally {
            closeQuietly(watcher);
        }
    }

    @Test
    void anEmptyTopicWithAnAliasNeverSetIsAProtocolError() throws Exception {
        MqttConnAckMessage[] ack = new MqttConnAckMessage[1];
        try (RawMqttClient raw = connect("alias-unknown", MqttProperties.NO_PROPERTIES, ack)) {
            raw.send(publish("", props(MqttPropertyType.TOPIC_ALIAS, 5), "to where?"));
            assertThat(RawMqttClient.disconnectReason(raw.receive())).isEqualTo(0x82);
        }
    }

    @Test
    void aPahoV5PublisherUsingAliasesOnItsOwnIsUnderstood() throws Exception {
        var publisher = MqttClientSupport.v5(broker.get(), "paho-aliases");
        MqttClient watcher = MqttClientSupport.v3(broker.get(), "paho-alias-watcher");
        try {
            Inbox inbox = new Inbox();
            watcher.subscribe("paho/alias/#", 1, inbox);
            for (int i = 0; i < 3; i++) {
                publisher.publish("paho/alias/" + (i % 2), utf8("m" + i), 1, false);
            }
            assertThat(inbox.take(3)).extracting(g -> g.topic() + "=" + g.payload())
                .containsExactly("paho/alias/0=m0", "paho/alias/1=m1", "paho/alias/0=m2");
        } finally {
            closeQuietly(publisher, watcher);
        }
    }

    @Test
    void aClientThatAllowsAliasesGetsThemUpToItsMaximum() throws Exception {
        MqttClient publisher = MqttClientSupport.v3(broker.get(), "alias-out-pub");
        MqttConnAckMessage[] ack = new MqttConnAckMessage[1];
        try (RawMqttClient raw = connect("alias-out", props(MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 2), ack)) {
            subscribe(raw, "alias/out/#", 0);
            for (String t : new String[] {"a", "a", "b", "c", "b"}) publisher.publish("alias/out/" + t, utf8(t), 0, false);
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                MqttPublishMessage m = (MqttPublishMessage) raw.receive();
                seen.append(m.variableHeader().topicName()).append('|').append(alias(m)).append('|').append(payload(m))
                    .append(' ');
                m.release();
            }
            assertThat(seen.toString().trim()).isEqualTo(
                "alias/out/a|1|a |1|a alias/out/b|2|b alias/out/c|null|c |2|b");
        } finally {
            closeQuietly(publisher);
        }
    }

    @Test
    void aMessageOverTheClientsMaximumPacketSizeIsNotSentAndCountsAsDelivered() throws Exception {
        MqttClient publisher = MqttClientSupport.v3(broker.get(), "size-pub");
        MqttConnAckMessage[] ack = new MqttConnAckMessage[1];
        try (RawMqttClient raw = connect("size-sub", props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 200), ack)) {
            subscribe(raw, "size/#", 1);
            byte[] big = new byte[300];
            // More than the 100 QoS 1 deliveries the broker keeps in flight: had the dropped ones not been settled,
            // the small message after them could not come.
            for (int i = 0; i < 150; i++) publisher.publish("size/big", big, 1, false);
            publisher.publish("size/small", utf8("fits"), 1, false);
            MqttPublishMessage m = (MqttPublishMessage) raw.receive();
            assertThat(m.variableHeader().topicName()).isEqualTo("size/small");
            assertThat(payload(m)).isEqualTo("fits");
            m.release();
            var queue = broker.server().broker().vhosts().get("/").orElseThrow().queue("mqtt-subscription-size-sub")
                .queue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queue.messageCount() != 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(queue.messageCount()).as("nothing left waiting").isZero();
        } finally {
            closeQuietly(publisher);
        }
    }
}
