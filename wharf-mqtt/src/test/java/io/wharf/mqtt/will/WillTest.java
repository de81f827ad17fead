package io.wharf.mqtt.will;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.mqtt.connect.ConnectRefused;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WillTest {
    private static MqttMessageBuilders.ConnectBuilder connect() {
        return MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("c").cleanSession(true);
    }

    @Test
    void aConnectWithoutWillHasNone() {
        assertThat(Will.of(connect().build())).isNull();
    }

    @Test
    void theWillDelayIsTakenOutOfThePublishProperties() {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL.value(), -1));
        props.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), "text/plain"));
        MqttConnectMessage m = connect().willFlag(true).willTopic("status/c").willQoS(MqttQoS.EXACTLY_ONCE).willRetain(true)
            .willMessage("offline".getBytes(StandardCharsets.UTF_8)).willProperties(props).build();

        Will w = Will.of(m);

        assertThat(w.topic()).isEqualTo("status/c");
        assertThat(w.qos()).isEqualTo(2);
        assertThat(w.retain()).isTrue();
        assertThat(new String(w.payload(), StandardCharsets.UTF_8)).isEqualTo("offline");
        assertThat(w.delaySeconds()).as("unsigned").isEqualTo(0xFFFFFFFFL);
        assertThat(w.properties().getProperty(MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL.value())).isNull();
        assertThat(w.properties().getProperty(MqttProperties.MqttPropertyType.CONTENT_TYPE.value()).value())
            .isEqualTo("text/plain");
        assertThat(w.withoutDelay().delaySeconds()).isZero();
    }

    @Test
    void aWillTopicWithAWildcardIsRefused() {
        MqttConnectMessage m = connect().willFlag(true).willTopic("status/#").willQoS(MqttQoS.AT_MOST_ONCE)
            .willMessage(new byte[0]).build();
        assertThatThrownBy(() -> Will.of(m)).isInstanceOf(ConnectRefused.class)
            .extracting(e -> ((ConnectRefused) e).refusal()).isEqualTo(ConnectRefused.Refusal.TOPIC_NAME_INVALID);
    }
}
