package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicMetadataTest {

    private static final Map<Integer, List<Integer>> TWO_PARTITIONS = Map.of(0, List.of(1, 2), 1, List.of(2, 1));

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
    void createWritesKafkasTopicAndConfigZnodes() throws Exception {
        TopicMetadata created = store.createTopic("orders", TWO_PARTITIONS, Map.of("retention.ms", "86400000"));

        assertThat(created.topicId()).matches("[A-Za-z0-9_-]{22}").doesNotStartWith("-");
        JsonNode topic = ZkTestSupport.rawJson(raw, "/brokers/topics/orders");
        assertThat(topic).isEqualTo(ZkTestSupport.json("{\"version\":3,\"partitions\":{\"0\":[1,2],\"1\":[2,1]},"
                + "\"topic_id\":\"" + created.topicId() + "\",\"adding_replicas\":{},\"removing_replicas\":{}}"));
        assertThat(ZkTestSupport.rawJson(raw, "/config/topics/orders")).isEqualTo(ZkTestSupport.json(
                "{\"version\":1,\"config\":{\"retention.ms\":\"86400000\"}}"));

        assertThat(store.topic("orders")).contains(created);
        assertThat(created.replicaAssignment()).isEqualTo(TWO_PARTITIONS);
        assertThat(created.replicaAssignment().keySet()).containsExactly(0, 1);
        assertThat(store.topicNames()).containsExactly("orders");
    }

    @Test
    void topicNamesAreSorted() {
        for (String name : List.of("zeta", "alpha", "mid")) {
            store.createTopic(name, Map.of(0, List.of(1)), Map.of());
        }
        assertThat(store.topicNames()).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void creatingAnExistingTopicFailsAndChangesNothing() {
        TopicMetadata first = store.createTopic("orders", TWO_PARTITIONS, Map.of("retention.ms", "1"));

        assertThatThrownBy(() -> store.createTopic("orders", Map.of(0, List.of(3)), Map.of("retention.ms", "2")))
                .isInstanceOf(TopicExistsException.class)
                .hasMessageContaining("orders")
                .hasMessageContaining("/brokers/topics/orders");
        assertThat(store.topic("orders")).contains(first);
    }

    @Test
    void aConfigZnodeLeftBehindIsOverwrittenOnCreate() throws Exception {
        raw.create("/config/topics/orders", "{\"version\":1,\"config\":{\"stale\":\"yes\"}}"
                .getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        store.createTopic("orders", TWO_PARTITIONS, Map.of("cleanup.policy", "compact"));

        assertThat(store.topic("orders").orElseThrow().configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
    }

    @Test
    void unknownTopicIsEmpty() {
        assertThat(store.topic("nope")).isEmpty();
    }

    @Test
    void illegalNamesAndAssignmentsAreRejectedBeforeAnyWrite() {
        assertThatThrownBy(() -> store.createTopic("a/b", TWO_PARTITIONS, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a/b");
        assertThatThrownBy(() -> store.createTopic("..", TWO_PARTITIONS, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.createTopic("x".repeat(250), TWO_PARTITIONS, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("249");
        assertThatThrownBy(() -> store.createTopic("gaps", Map.of(0, List.of(1), 2, List.of(1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numbered 0 to 1");
        assertThatThrownBy(() -> store.createTopic("twice", Map.of(0, List.of(1, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice-0");
        assertThatThrownBy(() -> store.createTopic("empty", Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.topicNames()).isEmpty();
    }

    @Test
    void setTopicConfigsReplacesTheOverrides() throws Exception {
        store.createTopic("orders", TWO_PARTITIONS, Map.of("retention.ms", "1", "segment.bytes", "1024"));

        store.setTopicConfigs("orders", Map.of("cleanup.policy", "compact"));

        assertThat(ZkTestSupport.rawJson(raw, "/config/topics/orders")).isEqualTo(ZkTestSupport.json(
                "{\"version\":1,\"config\":{\"cleanup.policy\":\"compact\"}}"));
        assertThat(store.topic("orders").orElseThrow().configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThatThrownBy(() -> store.setTopicConfigs("nope", Map.of()))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("nope");
    }

    @Test
    void addPartitionsKeepsTheExistingOnesAndTheTopicId() throws Exception {
        TopicMetadata created = store.createTopic("orders", Map.of(0, List.of(1)), Map.of());

        store.addPartitions("orders", Map.of(0, List.of(1), 1, List.of(2), 2, List.of(1)));

        TopicMetadata grown = store.topic("orders").orElseThrow();
        assertThat(grown.topicId()).isEqualTo(created.topicId());
        assertThat(grown.partitionCount()).isEqualTo(3);
        assertThat(ZkTestSupport.rawJson(raw, "/brokers/topics/orders").get("partitions")).isEqualTo(
                ZkTestSupport.json("{\"0\":[1],\"1\":[2],\"2\":[1]}"));

        assertThatThrownBy(() -> store.addPartitions("orders", Map.of(0, List.of(2), 1, List.of(2), 2, List.of(1),
                3, List.of(1)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders-0");
        assertThatThrownBy(() -> store.addPartitions("orders", Map.of(0, List.of(1), 1, List.of(2), 2, List.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must have more");
        assertThatThrownBy(() -> store.addPartitions("nope", Map.of(0, List.of(1), 1, List.of(1))))
                .isInstanceOf(UnknownTopicException.class);
        assertThat(store.topic("orders")).contains(grown);
    }

    @Test
    void partitionStateIsKafkasJsonUnderTheTopic() throws Exception {
        store.createTopic("orders", TWO_PARTITIONS, Map.of());
        assertThat(store.partitionState("orders", 1)).isEmpty();

        PartitionState state = new PartitionState(2, 0, List.of(2, 1), 1);
        store.setPartitionState("orders", 1, state);

        assertThat(ZkTestSupport.rawJson(raw, "/brokers/topics/orders/partitions/1/state")).isEqualTo(
                ZkTestSupport.json("{\"controller_epoch\":1,\"leader\":2,\"version\":1,\"leader_epoch\":0,\"isr\":[2,1]}"));
        assertThat(store.partitionState("orders", 1)).contains(state);

        PartitionState next = new PartitionState(1, 1, List.of(1), 2);
        store.setPartitionState("orders", 1, next);
        assertThat(store.partitionState("orders", 1)).contains(next);

        assertThatThrownBy(() -> store.setPartitionState("orders", 5, state))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no partition 5");
        assertThatThrownBy(() -> store.setPartitionState("nope", 0, state))
                .isInstanceOf(UnknownTopicException.class);
        assertThat(raw.exists("/brokers/topics/nope", false)).isNull();
    }

    @Test
    void markForDeletionThenDeleteRemovesEveryZnodeOfTheTopic() throws Exception {
        store.createTopic("orders", TWO_PARTITIONS, Map.of("retention.ms", "1"));
        store.createTopic("kept", Map.of(0, List.of(1)), Map.of());
        store.setPartitionState("orders", 0, new PartitionState(1, 0, List.of(1, 2), 1));

        store.markTopicForDeletion("orders");
        store.markTopicForDeletion("orders");

        assertThat(raw.exists("/admin/delete_topics/orders", false)).isNotNull();
        assertThat(raw.getData("/admin/delete_topics/orders", false, null)).isEmpty();
        assertThat(store.topicsMarkedForDeletion()).containsExactly("orders");
        assertThat(store.topicNames()).containsExactly("kept", "orders");
        assertThatThrownBy(() -> store.markTopicForDeletion("nope")).isInstanceOf(UnknownTopicException.class);

        store.deleteTopic("orders");

        assertThat(raw.exists("/brokers/topics/orders", false)).isNull();
        assertThat(raw.exists("/config/topics/orders", false)).isNull();
        assertThat(raw.exists("/admin/delete_topics/orders", false)).isNull();
        assertThat(store.topic("orders")).isEmpty();
        assertThat(store.topicsMarkedForDeletion()).isEmpty();
        assertThat(store.topicNames()).containsExactly("kept");
        store.deleteTopic("orders");
    }

    @Test
    void readsATopicThatKafkaWroteWithoutATopicId() throws Exception {
        raw.create("/brokers/topics/legacy", "{\"version\":1,\"partitions\":{\"1\":[2],\"0\":[1]}}"
                .getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        TopicMetadata legacy = store.topic("legacy").orElseThrow();

        assertThat(legacy.topicId()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(legacy.replicaAssignment()).containsExactly(Map.entry(0, List.of(1)), Map.entry(1, List.of(2)));
        assertThat(legacy.configs()).isEmpty();
    }

    @Test
    void corruptTopicDataFailsNamingTheZnode() throws Exception {
        raw.create("/brokers/topics/broken", "{not json".getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        assertThatThrownBy(() -> store.topic("broken"))
                .isInstanceOf(MetadataException.class)
                .hasMessageContaining("/brokers/topics/broken")
                .hasMessageContaining("{not json");
    }
}
