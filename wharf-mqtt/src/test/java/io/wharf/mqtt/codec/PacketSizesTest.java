package io.wharf.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The computed size of a PUBLISH is what Netty's encoder writes, for 3.1.1 and for 5 with every kind of property. */
class PacketSizesTest {
    /** The bytes Netty writes for {@code p} on a connection of {@code version}. */
    private static int encoded(MqttPublishMessage p, MqttVersion version) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        // The encoder learns the version from the CONNECT it writes.
        ch.writeOutbound(MqttMessageBuilders.connect().protocolVersion(version).clientId("c").build());
        ((ByteBuf) ch.readOutbound()).release();
        ch.writeOutbound(p);
        int size = 0;
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            size += b.readableBytes();
            b.release();
        }
        ch.finishAndReleaseAll();
        return size;
    }

    private static MqttProperties everyKind() {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 3600));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), 7));
        p.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "application/json; é"));
        p.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "replies/1"));
        p.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), new byte[17]));
        p.add(new MqttProperties.UserProperties(List.of(new MqttProperties.StringPair("k", "v"),
            new MqttProperties.StringPair("unit", "°C"))));
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 127, 128, 16_383, 16_384, 200_000})
    void aPublishIsAsLongAsNettyWritesIt(int payloadBytes) {
        for (int qos = 0; qos <= 2; qos++) {
            MqttPublishMessage v5 = Packets.publish("sensors/k1/températures", qos, false, 12, everyKind(),
                new byte[payloadBytes]);
            assertThat(PacketSizes.publish(v5, true)).as("v5, QoS %d", qos).isEqualTo(encoded(v5.retain(), MqttVersion.MQTT_5));
            v5.release();
            MqttPublishMessage v3 = Packets.publish("a", qos, false, 12, MqttProperties.NO_PROPERTIES, new byte[payloadBytes]);
            assertThat(PacketSizes.publish(v3, false)).as("3.1.1, QoS %d", qos)
                .isEqualTo(encoded(v3.retain(), MqttVersion.MQTT_3_1_1));
            v3.release();
        }
    }

    @Test
    void aSubscriptionIdentifierIsAVariableByteInteger() {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 300));
        MqttPublishMessage m = Packets.publish("t", 0, false, 0, p, new byte[3]);
        assertThat(PacketSizes.publish(m, true)).isEqualTo(encoded(m.retain(), MqttVersion.MQTT_5));
        m.release();
    }
}
