package io.wharf.mqtt.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

class ClientIdsTest {
    @Test
    void aGivenIdentifierIsKept() {
        assertThat(ClientIds.resolve("sensor-1", false, MqttVersion.MQTT_3_1_1)).isEqualTo("sensor-1");
    }

    @Test
    void anEmptyIdentifierIsAssignedForACleanSessionOrMqtt5() {
        String a = ClientIds.resolve("", true, MqttVersion.MQTT_3_1_1);
        String b = ClientIds.resolve("", false, MqttVersion.MQTT_5);
        assertThat(a).startsWith("wharf-").hasSize(22).isNotEqualTo(b);
    }

    @Test
    void anEmptyIdentifierWithoutCleanSessionIsRejectedIn311() {
        assertThatThrownBy(() -> ClientIds.resolve("", false, MqttVersion.MQTT_3_1_1))
            .isInstanceOfSatisfying(ConnectRefused.class, e ->
                assertThat(e.refusal()).isEqualTo(ConnectRefused.Refusal.CLIENT_IDENTIFIER_NOT_VALID));
    }
}
