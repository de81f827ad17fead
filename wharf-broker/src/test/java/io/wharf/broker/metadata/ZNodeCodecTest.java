package io.wharf.broker.metadata;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The znode codecs read what a ZooKeeper-mode Kafka broker wrote, and reject garbage with context. */
class ZNodeCodecTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesAKafkaV5RegistrationWithFeaturesAndIpv6() {
        BrokerRegistration broker = BrokerIdZNode.decode(3, utf8("{\"features\":{\"metadata.version\":"
                + "{\"min_version\":1,\"max_version\":7}},\"listener_security_protocol_map\":"
                + "{\"CLIENT\":\"SASL_SSL\",\"REPLICATION\":\"PLAINTEXT\"},\"endpoints\":[\"CLIENT://[::1]:9093\","
                + "\"REPLICATION://broker3.example:9094\"],\"rack\":\"dc1\",\"jmx_port\":9999,\"port\":9094,"
                + "\"host\":\"broker3.example\",\"version\":5,\"timestamp\":\"1700000000000\"}"));

        assertThat(broker).isEqualTo(new BrokerRegistration(3, List.of(
                new Endpoint("CLIENT", "SASL_SSL", "::1", 9093),
                new Endpoint("REPLICATION", "PLAINTEXT", "broker3.example", 9094)), Optional.of("dc1")));
    }

    @Test
    void decodesOlderRegistrationVersions() {
        assertThat(BrokerIdZNode.decode(1, utf8(
                "{\"version\":1,\"host\":\"h\",\"port\":9092,\"jmx_port\":-1,\"timestamp\":\"1\"}")))
                .isEqualTo(new BrokerRegistration(1, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "h", 9092)),
                        Optional.empty()));
        assertThat(BrokerIdZNode.decode(2, utf8("{\"version\":2,\"host\":\"h\",\"port\":9092,\"jmx_port\":-1,"
                + "\"timestamp\":\"1\",\"endpoints\":[\"PLAINTEXT://h:9092\",\"SSL://h:9093\"]}")).endpoints())
                .extracting(Endpoint::securityProtocol).containsExactly("PLAINTEXT", "SSL");
    }

    @Test
    void registrationRoundTripsIpv6AndWharfListeners() {
        BrokerRegistration broker = new BrokerRegistration(9, List.of(
                new Endpoint("SSL", "SSL", "::1", 9093),
                new Endpoint("HTTP", "HTTP", "0:0:0:0:0:0:0:1", 15672)), Optional.empty());
        byte[] json = BrokerIdZNode.encode(broker, 5L);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"endpoints\":[\"SSL://[::1]:9093\"]", "\"host\":null", "\"port\":-1");
        assertThat(BrokerIdZNode.decode(9, json)).isEqualTo(broker);
    }

    @Test
    void malformedDataFailsNamingTheZnodeAndQuotingTheData() {
        assertThatThrownBy(() -> BrokerIdZNode.decode(4, utf8("[1,2]")))
                .isInstanceOf(MetadataException.class).hasMessageContaining("/brokers/ids/4").hasMessageContaining("[1,2]");
        assertThatThrownBy(() -> BrokerIdZNode.decode(4, utf8("{\"version\":4,\"jmx_port\":1,\"endpoints\":[\"nonsense\"]}")))
                .isInstanceOf(MetadataException.class).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> PartitionStateZNode.decode("t", 0, utf8("{\"leader\":1}")))
                .isInstanceOf(MetadataException.class).hasMessageContaining("/brokers/topics/t/partitions/0/state")
                .hasMessageContaining("leader_epoch");
        assertThatThrownBy(() -> ControllerZNode.decodeEpoch(utf8("x")))
                .isInstanceOf(MetadataException.class).hasMessageContaining("/controller_epoch");
    }

    @Test
    void partitionStateIgnoresKafkasLeaderRecoveryState() {
        assertThat(PartitionStateZNode.decode("t", 0, utf8("{\"controller_epoch\":3,\"leader\":2,\"version\":1,"
                + "\"leader_epoch\":7,\"isr\":[2,1],\"leader_recovery_state\":1}")))
                .isEqualTo(new PartitionState(2, 7, List.of(2, 1), 3));
    }

    @Test
    void topicIdsAreKafkasBase64Uuids() {
        assertThat(TopicIds.encode(UUID.fromString("4dcdecf2-30a2-43c7-966c-7cdf18bfc1be")))
                .isEqualTo("Tc3s8jCiQ8eWbHzfGL_Bvg");
        for (int i = 0; i < 1000; i++) {
            assertThat(TopicIds.random()).matches("[A-Za-z0-9_-]{22}").doesNotStartWith("-");
        }
        assertThat(TopicIds.ZERO).isEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
    }

    @Test
    void valueClassesAreSortedAndImmutable() {
        TopicMetadata topic = new TopicMetadata("t", TopicIds.random(),
                new HashMap<>(Map.of(2, List.of(1), 0, List.of(3), 1, List.of(2))),
                Map.of("b", "2", "a", "1"));
        assertThat(topic.replicaAssignment().keySet()).containsExactly(0, 1, 2);
        assertThat(topic.configs().keySet()).containsExactly("a", "b");
        assertThatThrownBy(() -> topic.replicaAssignment().put(3, List.of(1)))
                .isInstanceOf(UnsupportedOperationException.class);

        BrokerRegistration broker = new BrokerRegistration(1, List.of(new Endpoint("SSL", "SSL", "h", 2),
                new Endpoint("AMQP", "AMQP", "h", 1)), Optional.empty());
        assertThat(broker.endpoints()).extracting(Endpoint::listenerName).containsExactly("AMQP", "SSL");
        assertThatThrownBy(() -> new BrokerRegistration(1, List.of(new Endpoint("A", "SSL", "h", 1),
                new Endpoint("A", "SSL", "h", 2)), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
