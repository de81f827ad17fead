package io.wharf.mqtt.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.wharf.broker.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.wharf.broker.message.StoredProperties;

/** The stored form of an MQTT publish, and what goes back out to MQTT. */
class MqttMessagesTest {
    private static final byte[] PAYLOAD = "21.5".getBytes(StandardCharsets.UTF_8);

    @Test
    void aQos1PublishIsAPersistentMessageWithTheQosHeaderAndTheMappedRoutingKey() {
        Message m = MqttMessages.fromPublish("amq.topic", "sensors/k1/temp", 1, PAYLOAD, MqttProperties.NO_PROPERTIES, 1000);

        assertThat(m.routingKey()).isEqualTo("sensors.k1.temp");
        assertThat(m.body()).isEqualTo(PAYLOAD);
        assertThat(m.persistent()).isTrue();
        StoredProperties p = StoredProperties.decode(m.properties());
        assertThat(p.deliveryMode()).isEqualTo(2);
        assertThat(p.headers()).containsEntry(MqttMessages.QOS_HEADER, (byte) 1);
        assertThat(MqttMessages.fromPublish("amq.topic", "t", 0, PAYLOAD, MqttProperties.NO_PROPERTIES, 1000).persistent())
            .isFalse();
    }

    @Test
    void mqtt5PropertiesSurviveTheRoundTrip() {
        MqttProperties in = new MqttProperties();
        in.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "text/plain"));
        in.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), new byte[] {1, (byte) 0xFF}));
        in.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "replies/k1"));
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 60));
        in.add(new MqttProperties.UserProperties(List.of(new MqttProperties.StringPair("site", "north"))));
        Message stored = MqttMessages.fromPublish("amq.topic", "a/b", 2, PAYLOAD, in, 1_000_000);
        assertThat(stored.expirationMs()).isEqualTo(60_000);
        StoredProperties p = StoredProperties.decode(stored.properties());
        assertThat(p.contentType()).isEqualTo("text/plain");
        assertThat(p.replyTo()).isEqualTo("replies.k1");
        assertThat(p.expiration()).isEqualTo("60000");
        assertThat(p.headers()).containsEntry("site", "north");

        MqttMessages.Outgoing out = MqttMessages.toPublish(stored, true, 1_010_000);

        assertThat(out.topic()).isEqualTo("a/b");
        assertThat(out.publishQos()).isEqualTo(2);
        MqttProperties props = out.properties();
        assertThat(props.getProperty(MqttPropertyType.CONTENT_TYPE.value()).value()).isEqualTo("text/plain");
        assertThat((byte[]) props.getProperty(MqttPropertyType.CORRELATION_DATA.value()).value())
            .containsExactly(1, (byte) 0xFF);
        assertThat(props.getProperty(MqttPropertyType.RESPONSE_TOPIC.value()).value()).isEqualTo("replies/k1");
        assertThat(props.getProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value()).value()).isEqualTo(1);
        assertThat(props.getProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value()).value()).isEqualTo(50);
        assertThat(props.getProperties(MqttPropertyType.USER_PROPERTY.value())).hasSize(1);
    }

    @Test
    void aMessageFromAnotherProtocolGoesOutAtQos1IfPersistentElse0() {
        Message amqpPersistent = new Message("amq.topic", "a.b", new byte[0], PAYLOAD, 0, true, Message.NO_EXPIRATION,
            Message.NO_PRIORITY, null);
        Message amqpTransient = new Message("amq.topic", "a.b", new byte[0], PAYLOAD, 0, false, Message.NO_EXPIRATION,
            Message.NO_PRIORITY, null);

        assertThat(MqttMessages.toPublish(amqpPersistent, false, 0).publishQos()).isEqualTo(1);
        assertThat(MqttMessages.toPublish(amqpTransient, true, 0).publishQos()).isZero();
        assertThat(MqttMessages.toPublish(amqpTransient, true, 0).topic()).isEqualTo("a/b");
    }

    @Test
    void theRetainFlagThePublisherAndTheRetainedForMarkComeBackOut() {
        Message m = MqttMessages.fromPublish("amq.topic", "a/b", 1, true, "c1", PAYLOAD, MqttProperties.NO_PROPERTIES, 1000);
        MqttMessages.Outgoing o = MqttMessages.toPublish(m, true, 1000);
        assertThat(o.retain()).isTrue();
        assertThat(o.publisher()).isEqualTo("c1");
        assertThat(o.retainedFor()).isNull();
        assertThat(o.properties().getProperty(MqttPropertyType.USER_PROPERTY.value())).as("x-mqtt headers stay inside")
            .isNull();
        Message copy = MqttMessages.retainedFor(m, "a/+");
        MqttMessages.Outgoing c = MqttMessages.toPublish(copy, false, 1000);
        assertThat(c.retainedFor()).isEqualTo("a/+");
        assertThat(c.publishQos()).isEqualTo(1);
        assertThat(c.payload()).isEqualTo(PAYLOAD);
        assertThat(copy.timestamp()).isEqualTo(m.timestamp());
        MqttMessages.Outgoing plain = MqttMessages.toPublish(
            MqttMessages.fromPublish("amq.topic", "a/b", 0, PAYLOAD, MqttProperties.NO_PROPERTIES, 1000), false, 1000);
        assertThat(plain.retain()).isFalse();
        assertThat(plain.publisher()).isNull();
    }
}
