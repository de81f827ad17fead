package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;

/** Packets for {@link RawMqttClient} in the session and will tests: what Paho would not send, or ack on its own. */
final class MqttSessionPackets {
    private MqttSessionPackets() {
    }

    /** A CONNECT as guest; {@code expiry} &lt; 0: no Session Expiry Interval property. */
    static MqttMessageBuilders.ConnectBuilder connect(MqttVersion version, String clientId, boolean cleanStart, int keepAlive,
                                                      long expiry) {
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId)
            .cleanSession(cleanStart).keepAlive(keepAlive).hasUser(true).username("guest").hasPassword(true)
            .password("guest".getBytes(StandardCharsets.UTF_8));
        if (expiry >= 0) {
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), (int) expiry));
            b.properties(p);
        }
        return b;
    }

    /** Adds a will to a CONNECT; {@code delay} &lt; 0: no Will Delay Interval. */
    static MqttMessageBuilders.ConnectBuilder withWill(MqttMessageBuilders.ConnectBuilder b, String topic, String payload,
                                                       MqttQoS qos, long delay) {
        MqttProperties p = new MqttProperties();
        if (delay >= 0) p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL.value(), (int) delay));
        return b.willFlag(true).willTopic(topic).willMessage(payload.getBytes(StandardCharsets.UTF_8)).willQoS(qos)
            .willRetain(false).willProperties(p);
    }

    /** Sends a CONNECT and returns its CONNACK, which must accept it. */
    static MqttConnAckMessage accepted(RawMqttClient raw, MqttConnectMessage connect) throws java.io.IOException {
        raw.send(connect);
        MqttMessage m = raw.receive();
        assertThat(m).isInstanceOf(MqttConnAckMessage.class);
        MqttConnAckMessage ack = (MqttConnAckMessage) m;
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        return ack;
    }

    static MqttMessage subscribe(int packetId, String filter, MqttQoS qos) {
        return MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(qos, filter).build();
    }

    static MqttPublishMessage publish(String topic, MqttQoS qos, boolean dup, int id, String payload) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, qos, false, 0),
            new MqttPublishVariableHeader(topic, id), Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP. */
    static MqttMessage reply(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    /** A v5 DISCONNECT with a reason and, if {@code expiry} &gt;= 0, a Session Expiry Interval. */
    static MqttMessage disconnect(int reason, long expiry) {
        MqttProperties p = new MqttProperties();
        if (expiry >= 0) {
            p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), (int) expiry));
        }
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttReasonCodeAndPropertiesVariableHeader((byte) reason, p));
    }

    /** The next packet, which must be of {@code type}. */
    static MqttMessage expect(RawMqttClient raw, MqttMessageType type) throws java.io.IOException {
        MqttMessage m = raw.receive();
        assertThat(m).as("a %s packet", type).isNotNull();
        assertThat(m.fixedHeader().messageType()).isEqualTo(type);
        return m;
    }

    static int packetId(MqttMessage m) {
        if (m instanceof MqttPublishMessage p) return p.variableHeader().packetId();
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    static int reasonCode(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader v ? v.reasonCode() & 0xFF : 0;
    }

    static String payload(MqttPublishMessage m) {
        return m.payload().toString(StandardCharsets.UTF_8);
    }
}
