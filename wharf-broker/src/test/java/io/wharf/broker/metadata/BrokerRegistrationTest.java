package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerRegistrationTest {

    private static final BrokerRegistration BROKER_1 = new BrokerRegistration(1, List.of(
            new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092),
            new Endpoint("SSL", "SSL", "127.0.0.1", 9093),
            new Endpoint("AMQP", "AMQP", "127.0.0.1", 5672),
            new Endpoint("MQTT", "MQTT", "127.0.0.1", 1883)), Optional.of("rack-a"));

    @TempDir
    Path dataDir;
    private EmbeddedZooKeeper zk;
    private ZkMetadataStore store;
    private ZooKeeper raw;

    @BeforeEach
    void start() throws Exception {
        zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
        store = ZkTestSupport.startedStore(zk);
        raw = ZkTestSupport.rawClient(zk.connectString());
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        store.close();
        zk.close();
    }

    @Test
    void registrationIsKafkasJsonInAnEphemeralZnode() throws Exception {
        long before = System.currentTimeMillis();
        store.registerBroker(BROKER_1);

        Stat stat = raw.exists("/brokers/ids/1", false);
        assertThat(stat.getEphemeralOwner()).isEqualTo(store.sessionId());
        JsonNode json = ZkTestSupport.rawJson(raw, "/brokers/ids/1");
        assertThat(json.get("version").intValue()).isEqualTo(5);
        assertThat(json.get("host").textValue()).isEqualTo("127.0.0.1");
        assertThat(json.get("port").intValue()).isEqualTo(9092);
        assertThat(json.get("jmx_port").intValue()).isEqualTo(-1);
        assertThat(json.get("features").isObject()).isTrue();
        assertThat(json.get("features").size()).isZero();
        assertThat(json.get("rack").textValue()).isEqualTo("rack-a");
        assertThat(json.get("endpoints")).isEqualTo(ZkTestSupport.json(
                "[\"PLAINTEXT://127.0.0.1:9092\",\"SSL://127.0.0.1:9093\"]"));
        assertThat(json.get("listener_security_protocol_map")).isEqualTo(ZkTestSupport.json(
                "{\"PLAINTEXT\":\"PLAINTEXT\",\"SSL\":\"SSL\"}"));
        assertThat(json.get("timestamp").isTextual()).isTrue();
        assertThat(Long.parseLong(json.get("timestamp").textValue())).isBetween(before, System.currentTimeMillis());
        assertThat(json.get("wharf_endpoints")).isEqualTo(ZkTestSupport.json("["
                + "{\"listener\":\"AMQP\",\"security_protocol\":\"AMQP\",\"host\":\"127.0.0.1\",\"port\":5672},"
                + "{\"listener\":\"MQTT\",\"security_protocol\":\"MQTT\",\"host\":\"127.0.0.1\",\"port\":1883}]"));

        assertThat(store.broker(1)).contains(BROKER_1);
        assertThat(store.liveBrokerIds()).containsExactly(1);
    }

    @Test
    void aKafkaOnlyBrokerWithoutRackWritesExactlyKafkasFields() throws Exception {
        BrokerRegistration plain = new BrokerRegistration(7,
                List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092)), Optional.empty());
        store.registerBroker(plain);

        JsonNode json = ZkTestSupport.rawJson(raw, "/brokers/ids/7");
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("listener_security_protocol_map", "endpoints", "jmx_port",
                "features", "host", "timestamp", "port", "version");
        assertThat(store.broker(7)).contains(plain);
    }

    @Test
    void unknownBrokerIsEmpty() {
        assertThat(store.broker(42)).isEmpty();
    }

    @Test
    void aBrokerIdHeldByAnotherLiveSessionIsRefused() throws Exception {
        store.registerBroker(BROKER_1);
        byte[] original = raw.getData("/brokers/ids/1", false, null);
        BrokerRegistration impostor = new BrokerRegistration(1,
                List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "10.0.0.9", 9092)), Optional.empty());

        try (ZkMetadataStore other = ZkTestSupport.startedStore(zk)) {
            assertThatThrownBy(() -> other.registerBroker(impostor))
                    .isInstanceOf(MetadataException.class)
                    .hasMessageStartingWith("broker.id 1 is already registered by another broker");
        }
        Stat stat = raw.exists("/brokers/ids/1", false);
        assertThat(stat.getEphemeralOwner()).isEqualTo(store.sessionId());
        assertThat(raw.getData("/brokers/ids/1", false, null)).isEqualTo(original);
    }

    @Test
    void registrationComesBackAfterTheSessionExpires() throws Exception {
        store.registerBroker(BROKER_1);
        long oldSession = store.sessionId();

        ZkTestSupport.expireSession(store.curator(), zk.connectString());

        ZkTestSupport.await("/brokers/ids/1 is owned by a new session of the store", () -> {
            try {
                Stat stat = raw.exists("/brokers/ids/1", false);
                long session = store.sessionId();
                return stat != null && session != oldSession && stat.getEphemeralOwner() == session;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(store.broker(1)).contains(BROKER_1);
    }

    @Test
    void closingTheStoreDeregistersAndFreesTheId() throws Exception {
        ZkMetadataStore first = ZkTestSupport.startedStore(zk);
        first.registerBroker(new BrokerRegistration(3,
                List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9094)), Optional.empty()));
        assertThat(store.liveBrokerIds()).containsExactly(3);

        first.close();

        assertThat(store.liveBrokerIds()).isEmpty();
        BrokerRegistration again = new BrokerRegistration(3,
                List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9095)), Optional.empty());
        store.registerBroker(again);
        assertThat(store.broker(3)).contains(again);
    }

    @Test
    void liveBrokerIdsAreSorted() {
        for (int id : new int[] {10, 2, 5}) {
            store.registerBroker(new BrokerRegistration(id,
                    List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9000 + id)), Optional.empty()));
        }
        assertThat(store.liveBrokerIds()).containsExactly(2, 5, 10);
    }
}
