package io.wharf.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.wharf.broker.bridge.KafkaRecord;
import io.wharf.log.record.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeRecordsTest {
    @Test
    void aPublishBecomesARecordAndItsPropertiesComeBackFromTheHeaders() {
        MqttProperties in = new MqttProperties();
        in.add(new MqttProperties.UserProperties(List.of(new MqttProperties.StringPair("a", "1"),
            new MqttProperties.StringPair("a", "2"))));
        in.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "text/plain"));
        in.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "r/1"));
        in.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), new byte[] {(byte) 0xC3, 0x28}));
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), -1)); // 2^32-1 s

        KafkaRecord r = BridgeRecords.toRecord("s/k/t", new byte[0], in, 42);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("s/k/t");
        assertThat(r.value()).isEmpty();
        assertThat(r.timestamp()).isEqualTo(42);
        assertThat(r.headers()).extracting(Header::key).containsExactly("a", "a", BridgeRecords.CONTENT_TYPE,
            BridgeRecords.RESPONSE_TOPIC, BridgeRecords.CORRELATION_DATA, BridgeRecords.PAYLOAD_FORMAT,
            BridgeRecords.MESSAGE_EXPIRY);
        assertThat(new String(r.headers().get(6).value(), StandardCharsets.UTF_8)).isEqualTo("4294967295");

        MqttProperties out = BridgeRecords.properties(r.headers());
        assertThat(out.getProperty(MqttPropertyType.CONTENT_TYPE.value()).value()).isEqualTo("text/plain");
        assertThat(out.getProperty(MqttPropertyType.RESPONSE_TOPIC.value()).value()).isEqualTo("r/1");
        assertThat((byte[]) out.getProperty(MqttPropertyType.CORRELATION_DATA.value()).value())
            .containsExactly(0xC3, 0x28); // not UTF-8, still carried byte for byte
        assertThat(out.getProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value()).value()).isEqualTo(1);
        assertThat(out.getProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value()).value()).isEqualTo(-1);
        assertThat(out.getProperties(MqttPropertyType.USER_PROPERTY.value()))
            .extracting(p -> ((MqttProperties.UserProperty) p).value().key + "=" + ((MqttProperties.UserProperty) p).value().value)
            .containsExactly("a=1", "a=2");
    }

    @Test
    void headersThatAreNotUtf8OrOutOfRangeAreLeftOut() {
        MqttProperties out = BridgeRecords.properties(List.of(new Header("bin", new byte[] {(byte) 0xFF}),
            Header.of(BridgeRecords.PAYLOAD_FORMAT, "7"), Header.of(BridgeRecords.MESSAGE_EXPIRY, "soon"),
            new Header("null-valued", null)));
        assertThat(out.listAll()).isEmpty();
        assertThat(BridgeRecords.properties(List.of())).isSameAs(MqttProperties.NO_PROPERTIES);
    }
}
