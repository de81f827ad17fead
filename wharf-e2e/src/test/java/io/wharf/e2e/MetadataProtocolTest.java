package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Metadata field by field, at every version, with raw requests. */
class MetadataProtocolTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("num.partitions", "2");

    private RawKafkaConnection raw;

    @BeforeEach
    void start() throws Exception {
        broker.server().broker().topics().createTopic("known", 3, (short) 1, Map.of(), false);
        broker.server().broker().topics().createTopic("__internal", 1, (short) 1, Map.of(), false);
        raw = new RawKafkaConnection(broker.get());
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
    }

    private MetadataResponse metadata(MetadataRequestData data, short version) throws Exception {
        return raw.send(new MetadataRequest(data, version));
    }

    private static MetadataRequestData byName(boolean autoCreate, String... names) {
        return new MetadataRequestData().setAllowAutoTopicCreation(autoCreate)
            .setTopics(MetadataRequest.convertToMetadataRequestTopic(List.of(names)));
    }

    private Uuid knownId() {
        return Uuid.fromString(broker.server().broker().topics().topic("known").orElseThrow().topicId());
    }

    @Test
    void everyVersionDescribesBrokersControllerAndPartitions() throws Exception {
        int port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
        for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(); v++) {
            MetadataResponse response = metadata(byName(true, "known"), v); // v0-3 cannot say false
            assertThat(response.brokers()).as("v%d", v).singleElement()
                .satisfies(n -> assertThat(n.port()).isEqualTo(port));
            if (v >= 1) assertThat(response.data().controllerId()).as("v%d", v).isEqualTo(0);
            if (v >= 2) assertThat(response.clusterId()).as("v%d", v).hasSize(22);
            MetadataResponseTopic topic = response.data().topics().find("known");
            assertThat(topic.errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
            if (v >= 10) assertThat(topic.topicId()).as("v%d", v).isEqualTo(knownId());
            assertThat(topic.partitions()).as("v%d", v).hasSize(3);
            for (MetadataResponsePartition p : topic.partitions()) {
                assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(p.leaderId()).isEqualTo(0);
                assertThat(p.replicaNodes()).containsExactly(0);
                assertThat(p.isrNodes()).containsExactly(0);
                if (v >= 7) assertThat(p.leaderEpoch()).isEqualTo(0);
                if (v >= 5) assertThat(p.offlineReplicas()).isEmpty();
            }
        }
    }

    @Test
    void anEmptyListMeansAllTopicsInVersionZeroAndNoTopicsLater() throws Exception {
        MetadataResponse v0 = metadata(new MetadataRequestData().setTopics(List.of()), (short) 0);
        assertThat(v0.data().topics()).extracting(MetadataResponseTopic::name).containsExactlyInAnyOrder("known", "__internal");
        MetadataResponse v1 = metadata(new MetadataRequestData().setTopics(List.of()), (short) 1);
        assertThat(v1.data().topics()).isEmpty();
        MetadataResponse all = metadata(new MetadataRequestData().setTopics(null), (short) 1);
        assertThat(all.data().topics().find("__internal").isInternal()).isTrue();
        assertThat(all.data().topics().find("known").isInternal()).isFalse();
    }

    @Test
    void topicsAreFoundByIdFromVersionTwelve() throws Exception {
        Uuid unknown = Uuid.randomUuid();
        MetadataRequestData data = new MetadataRequestData().setTopics(
            MetadataRequest.convertTopicIdsToMetadataRequestTopic(List.of(knownId(), unknown)));
        MetadataResponse response = metadata(data, (short) 12);
        Map<Uuid, MetadataResponseTopic> byId = new java.util.HashMap<>();
        response.data().topics().forEach(t -> byId.put(t.topicId(), t));
        assertThat(byId.get(knownId()).name()).isEqualTo("known");
        assertThat(byId.get(knownId()).partitions()).hasSize(3);
        assertThat(byId.get(unknown).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());

        MetadataResponse tooOld = metadata(new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName("known").setTopicId(knownId()))), (short) 11);
        assertThat(tooOld.errors()).containsEntry("known", Errors.INVALID_REQUEST);

        MetadataResponse neither = metadata(new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(null).setTopicId(Uuid.ZERO_UUID))), (short) 12);
        assertThat(neither.data().topics()).singleElement()
            .satisfies(t -> assertThat(t.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
    }

    @Test
    void unknownTopicsAreReportedOrCreatedAsTheBrokerAndTheRequestAllow() throws Exception {
        MetadataResponse notCreated = metadata(byName(false, "absent", "bad name"), (short) 12);
        assertThat(notCreated.errors()).isEqualTo(Map.of("absent", Errors.UNKNOWN_TOPIC_OR_PARTITION,
            "bad name", Errors.INVALID_TOPIC_EXCEPTION));

        MetadataResponse first = metadata(byName(true, "fresh", "bad name", "__consumer_offsets"), (short) 12);
        assertThat(first.errors()).isEqualTo(Map.of("fresh", Errors.LEADER_NOT_AVAILABLE,
            "bad name", Errors.INVALID_TOPIC_EXCEPTION, "__consumer_offsets", Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(first.data().topics().find("__consumer_offsets").isInternal()).isTrue();

        MetadataResponse second = metadata(byName(true, "fresh"), (short) 12);
        MetadataResponseTopic fresh = second.data().topics().find("fresh");
        assertThat(fresh.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fresh.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(fresh.partitions()).hasSize(2);
        assertThat(broker.server().broker().topics().topic("__consumer_offsets")).isEmpty();

        // The whole-cluster listing never creates anything.
        MetadataResponse all = metadata(new MetadataRequestData().setTopics(null).setAllowAutoTopicCreation(true), (short) 12);
        assertThat(all.topicsByError(Errors.NONE)).isEqualTo(Set.of("known", "__internal", "fresh"));
    }

    private DescribeTopicPartitionsResponseData describePartitions(int limit, String cursorTopic, int cursorPartition,
                                                                   String... names) throws Exception {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        for (String name : names) data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name));
        if (cursorTopic != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursorTopic)
                .setPartitionIndex(cursorPartition));
        }
        DescribeTopicPartitionsResponse response = raw.send(new DescribeTopicPartitionsRequest(data, (short) 0));
        return response.data();
    }

    private static List<String> partitionsOf(DescribeTopicPartitionsResponseData page) {
        List<String> seen = new java.util.ArrayList<>();
        page.topics().forEach(t -> t.partitions().forEach(p -> seen.add(t.name() + "-" + p.partitionIndex())));
        return seen;
    }

    @Test
    void describeTopicPartitionsPagesThroughTheTopicsInNameOrder() throws Exception {
        DescribeTopicPartitionsResponseData all = describePartitions(2000, null, 0);
        assertThat(all.topics()).extracting(t -> t.name()).containsExactly("__internal", "known");
        DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic known = all.topics().find("known");
        assertThat(known.topicId()).isEqualTo(knownId());
        assertThat(known.partitions()).allSatisfy(p -> {
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(p.leaderId()).isZero();
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.replicaNodes()).containsExactly(0);
            assertThat(p.isrNodes()).containsExactly(0);
            assertThat(p.offlineReplicas()).isEmpty();
        });
        assertThat(all.topics().find("__internal").isInternal()).isTrue();
        assertThat(all.nextCursor()).isNull();

        DescribeTopicPartitionsResponseData first = describePartitions(2, null, 0, "known", "__internal");
        assertThat(partitionsOf(first)).containsExactly("__internal-0", "known-0");
        assertThat(first.nextCursor().topicName()).isEqualTo("known");
        assertThat(first.nextCursor().partitionIndex()).isEqualTo(1);
        DescribeTopicPartitionsResponseData second = describePartitions(2, "known", 1, "known", "__internal");
        assertThat(partitionsOf(second)).containsExactly("known-1", "known-2");
        assertThat(second.nextCursor()).isNull();

        DescribeTopicPartitionsResponseData unknown = describePartitions(10, null, 0, "absent");
        assertThat(unknown.topics().find("absent").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        DescribeTopicPartitionsResponse badCursor = raw.send(new DescribeTopicPartitionsRequest(
            new DescribeTopicPartitionsRequestData().setTopics(new java.util.ArrayList<>(List.of(
                new DescribeTopicPartitionsRequestData.TopicRequest().setName("known"))))
                .setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName("other")), (short) 0));
        assertThat(badCursor.data().topics()).isNotEmpty().allSatisfy(t -> assertThat(t.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
    }
}
