package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.topic.PartitionId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Creating, listing, describing, growing and deleting topics with the real Admin client. */
class AdminTopicsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("num.partitions", "2");

    private Admin admin;

    @BeforeEach
    void start() {
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> error) {
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(error);
    }

    private Set<String> topicNames() throws Exception {
        return get(admin.listTopics().names());
    }

    @Test
    void aCreatedTopicIsListedDescribedWithItsIdAndLeadersAndThenDeleted() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1)));
        Uuid id = get(created.topicId("orders"));
        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(get(created.numPartitions("orders"))).isEqualTo(3);
        assertThat(get(created.replicationFactor("orders"))).isEqualTo(1);
        assertThat(get(created.config("orders")).get("retention.ms").value()).isEqualTo("604800000");

        assertThat(topicNames()).contains("orders");
        TopicDescription byName = get(admin.describeTopics(List.of("orders")).topicNameValues().get("orders"));
        assertThat(byName.topicId()).isEqualTo(id);
        assertThat(byName.isInternal()).isFalse();
        assertThat(byName.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        for (TopicPartitionInfo p : byName.partitions()) {
            assertThat(p.leader().id()).isEqualTo(0);
            assertThat(p.leader().port()).isEqualTo(Integer.parseInt(broker.bootstrapServers().split(":")[1]));
            assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(0);
            assertThat(p.isr()).extracting(n -> n.id()).containsExactly(0);
        }
        TopicDescription byId = get(admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).topicIdValues().get(id));
        assertThat(byId.name()).isEqualTo("orders");
        assertThat(byId.partitions()).hasSize(3);

        get(admin.deleteTopics(List.of("orders")).all());
        assertThat(topicNames()).doesNotContain("orders");
        assertThat(broker.server().broker().topics().partition(new PartitionId("orders", 0))).isEmpty();
        assertFails(admin.describeTopics(List.of("orders")).allTopicNames(), UnknownTopicOrPartitionException.class);
    }

    @Test
    void defaultsComeFromNumPartitionsAndDefaultReplicationFactor() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())));
        assertThat(get(created.numPartitions("defaults"))).isEqualTo(2);
        assertThat(get(created.replicationFactor("defaults"))).isEqualTo(1);
        assertThat(get(admin.describeTopics(List.of("defaults")).allTopicNames()).get("defaults").partitions()).hasSize(2);
    }

    @Test
    void validateOnlyChecksEverythingAndCreatesNothing() throws Exception {
        CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
        CreateTopicsResult result = admin.createTopics(
            List.of(new NewTopic("dry-run", 4, (short) 1).configs(Map.of("retention.ms", "1000"))), validateOnly);
        get(result.all());
        assertThat(get(result.numPartitions("dry-run"))).isEqualTo(4);
        assertThat(get(result.config("dry-run")).get("retention.ms").value()).isEqualTo("1000");
        assertThat(topicNames()).doesNotContain("dry-run");

        assertFails(admin.createTopics(List.of(new NewTopic("dry-run", 1, (short) 5)), validateOnly).all(),
            InvalidReplicationFactorException.class);
        assertThat(topicNames()).doesNotContain("dry-run");
    }

    @Test
    void everyCreateErrorHasItsOwnCode() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all());
        assertFails(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all(), TopicExistsException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("no spaces!", 1, (short) 1))).all(), InvalidTopicException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("..", 1, (short) 1))).all(), InvalidTopicException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("zero", 0, (short) 1))).all(), InvalidPartitionsException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3))).all(), InvalidReplicationFactorException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("rf0", 1, (short) 0))).all(), InvalidReplicationFactorException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("bad-key", 1, (short) 1).configs(Map.of("no.such.key", "1")))).all(),
            InvalidConfigurationException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("bad-value", 1, (short) 1).configs(Map.of("retention.ms", "soon")))).all(),
            InvalidConfigurationException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("bad-policy", 1, (short) 1).configs(Map.of("cleanup.policy", "shred")))).all(),
            InvalidConfigurationException.class);
        assertFails(admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(0))))).all(), InvalidRequestException.class);
        // Kafka's rule: '.' and '_' collide.
        get(admin.createTopics(List.of(new NewTopic("a.b", 1, (short) 1))).all());
        assertFails(admin.createTopics(List.of(new NewTopic("a_b", 1, (short) 1))).all(), InvalidTopicException.class);

        assertThat(topicNames()).containsExactlyInAnyOrder("taken", "a.b");
    }

    @Test
    void oneFailingTopicDoesNotStopTheOthersInTheSameRequest() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("good", 1, (short) 1), new NewTopic("bad!", 1, (short) 1)));
        get(result.values().get("good"));
        assertFails(result.values().get("bad!"), InvalidTopicException.class);
        assertThat(topicNames()).containsExactly("good");
    }

    @Test
    void createPartitionsGrowsATopicAndRefusesToShrinkIt() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("growing", 1, (short) 1))).all());
        get(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all());
        TopicDescription grown = get(admin.describeTopics(List.of("growing")).allTopicNames()).get("growing");
        assertThat(grown.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3);
        assertThat(grown.partitions()).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(0));
        assertThat(broker.server().broker().topics().partition(new PartitionId("growing", 3))).isPresent();

        assertFails(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all(), InvalidPartitionsException.class);
        assertFails(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2))).all(), InvalidPartitionsException.class);
        assertFails(admin.createPartitions(Map.of("missing", NewPartitions.increaseTo(2))).all(),
            UnknownTopicOrPartitionException.class);
        assertFails(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5, List.of(List.of(0))))).all(),
            InvalidRequestException.class);

        get(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(8)),
            new org.apache.kafka.clients.admin.CreatePartitionsOptions().validateOnly(true)).all());
        assertThat(get(admin.describeTopics(List.of("growing")).allTopicNames()).get("growing").partitions()).hasSize(4);
    }

    @Test
    void topicsAreDeletedByNameOrById() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("by-id", 1, (short) 1), new NewTopic("by-name", 1, (short) 1)));
        Uuid id = get(created.topicId("by-id"));
        get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all());
        get(admin.deleteTopics(List.of("by-name")).all());
        assertThat(topicNames()).isEmpty();

        assertFails(admin.deleteTopics(List.of("by-name")).all(), UnknownTopicOrPartitionException.class);
        assertFails(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all(), UnknownTopicIdException.class);
        assertFails(admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds(), UnknownTopicIdException.class);
    }

    @Test
    void topicsStartingWithTwoUnderscoresAreInternal() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("__wharf_internal", 1, (short) 1), new NewTopic("plain", 1, (short) 1))).all());
        assertThat(topicNames()).containsExactly("plain");
        Map<String, TopicListing> all = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).namesToListings());
        assertThat(all).containsOnlyKeys("plain", "__wharf_internal");
        assertThat(all.get("__wharf_internal").isInternal()).isTrue();
        assertThat(get(admin.describeTopics(List.of("__wharf_internal")).allTopicNames()).get("__wharf_internal").isInternal())
            .isTrue();
    }

    @Test
    void topicsAndTheirIdsSurviveARestart() throws Exception {
        Uuid id = get(admin.createTopics(List.of(new NewTopic("durable", 2, (short) 1))).topicId("durable"));
        admin.close();
        broker.restart();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        TopicDescription d = get(admin.describeTopics(List.of("durable")).allTopicNames()).get("durable");
        assertThat(d.topicId()).isEqualTo(id);
        assertThat(d.partitions()).hasSize(2).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(0));
    }
}
