package io.wharf.mqtt.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.connect.ConnectRequest;
import org.junit.jupiter.api.Test;

/** Server Keep Alive and Topic Alias Maximum in the CONNACK. */
class ServerLimitsTest {
    private static ConnectRequest request(MqttVersion version, int keepAlive) {
        return new ConnectRequest(version, "c", false, true, keepAlive, 0, 0, null, "guest", null);
    }

    @Test
    void aKeepAliveOverTheMaximumOrNoneIsCappedForMqtt5Only() {
        MqttSettings capped = MqttSettings.defaults().withMaxKeepAliveSeconds(60);
        assertThat(ServerLimits.keepAlive(request(MqttVersion.MQTT_5, 30), capped)).isEqualTo(30);
        assertThat(ServerLimits.keepAlive(request(MqttVersion.MQTT_5, 600), capped)).isEqualTo(60);
        assertThat(ServerLimits.keepAlive(request(MqttVersion.MQTT_5, 0), capped)).isEqualTo(60);
        assertThat(ServerLimits.keepAlive(request(MqttVersion.MQTT_3_1_1, 600), capped)).as("3.1.1 cannot be told")
            .isEqualTo(600);
        assertThat(ServerLimits.keepAlive(request(MqttVersion.MQTT_5, 0), MqttSettings.defaults())).isZero();
    }

    @Test
    void theConnAckSaysTheAliasMaximumAndACappedKeepAlive() {
        MqttProperties props = new MqttProperties();
        ServerLimits.advertise(props, request(MqttVersion.MQTT_5, 600), MqttSettings.defaults().withMaxKeepAliveSeconds(60));
        assertThat(props.getProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value()).value()).isEqualTo(16);
        assertThat(props.getProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value()).value()).isEqualTo(60);
        MqttProperties uncapped = new MqttProperties();
        ServerLimits.advertise(uncapped, request(MqttVersion.MQTT_5, 30), MqttSettings.defaults());
        assertThat(uncapped.getProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value())).isNull();
    }
}
