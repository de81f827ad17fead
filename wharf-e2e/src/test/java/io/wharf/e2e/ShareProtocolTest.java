package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Share group requests field by field, where the real consumer never goes: malformed heartbeats, fetches
 * outside the group or out of their session's order, acknowledgements of records the member does not hold,
 * and unknown acknowledge types — each answered with Kafka's error, the session and the records unharmed.
 */
class ShareProtocolTest {
    private static final String TOPIC = "share-raw";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("group.share.auto.offset.reset", "earliest");

    static Uuid topicId;

    @BeforeAll
    static void createTopic() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get())) {
            for (int i = 0; i < 5; i++) producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get();
        }
        topicId = Uuid.fromString(broker.server().broker().topics().topic(TOPIC).orElseThrow().topicId());
    }

    private static ShareGroupHeartbeatResponse heartbeat(RawKafkaConnection c, String group, String member, int epoch,
                                                         List<String> topics) throws Exception {
        return c.send(new ShareGroupHeartbeatRequest.Builder(new ShareGroupHeartbeatRequestData().setGroupId(group)
            .setMemberId(member).setMemberEpoch(epoch).setSubscribedTopicNames(topics)).build((short) 1));
    }

    private static ShareFetchResponse fetch(RawKafkaConnection c, String group, String member, int epoch,
                                            ShareFetchRequestData.AcknowledgementBatch... acks) throws Exception {
        ShareFetchRequestData.FetchPartition partition = new ShareFetchRequestData.FetchPartition().setPartitionIndex(0)
            .setAcknowledgementBatches(List.of(acks));
        ShareFetchRequestData.FetchTopic topic = new ShareFetchRequestData.FetchTopic().setTopicId(topicId);
        topic.partitions().add(partition);
        ShareFetchRequestData data = new ShareFetchRequestData().setGroupId(group).setMemberId(member)
            .setShareSessionEpoch(epoch).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(2)
            .setBatchSize(2);
        data.topics().add(topic);
        return c.send(new ShareFetchRequest.Builder(data).build((short) 1));
    }

    private static ShareFetchResponseData.PartitionData partition(ShareFetchResponse response) {
        return response.data().responses().iterator().next().partitions().get(0);
    }

    private static ShareFetchRequestData.AcknowledgementBatch ack(long first, long last, int type) {
        return new ShareFetchRequestData.AcknowledgementBatch().setFirstOffset(first).setLastOffset(last)
            .setAcknowledgeTypes(List.of((byte) type));
    }

    @Test
    void heartbeatsThatBreakTheRulesAreRefused() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(broker.get())) {
            assertThat(heartbeat(c, "g-bad", "", 0, List.of(TOPIC)).data().errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, "g-bad", Uuid.randomUuid().toString(), 0, null).data().errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, "g-bad", Uuid.randomUuid().toString(), 3, List.of(TOPIC)).data().errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            String member = Uuid.randomUuid().toString();
            ShareGroupHeartbeatResponse joined = heartbeat(c, "g-bad", member, 0, List.of(TOPIC));
            assertThat(joined.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.data().assignment().topicPartitions()).hasSize(1);
            int epoch = joined.data().memberEpoch();
            assertThat(heartbeat(c, "g-bad", member, epoch + 7, null).data().errorCode())
                .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
            assertThat(heartbeat(c, "g-bad", member, epoch, null).data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void fetchesOutsideTheGroupOrTheSessionOrderAreRefused() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(broker.get())) {
            String member = Uuid.randomUuid().toString();
            assertThat(fetch(c, "g-session", member, 0).error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(heartbeat(c, "g-session", member, 0, List.of(TOPIC)).data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(fetch(c, "g-session", member, 1).error()).isEqualTo(Errors.SHARE_SESSION_NOT_FOUND);

            ShareFetchResponse opened = fetch(c, "g-session", member, 0);
            assertThat(opened.error()).isEqualTo(Errors.NONE);
            assertThat(partition(opened).acquiredRecords()).singleElement()
                .satisfies(r -> assertThat(List.of(r.firstOffset(), r.lastOffset(), (long) r.deliveryCount()))
                    .containsExactly(0L, 1L, 1L));
            assertThat(fetch(c, "g-session", member, 3).error()).isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH);
            // The refused request changed nothing: epoch 1 is still the next one, and acknowledges 0 and 1.
            ShareFetchResponse next = fetch(c, "g-session", member, 1, ack(0, 1, 1));
            assertThat(next.error()).isEqualTo(Errors.NONE);
            assertThat(partition(next).acknowledgeErrorCode()).isEqualTo(Errors.NONE.code());
            assertThat(partition(next).acquiredRecords().get(0).firstOffset()).isEqualTo(2);
        }
    }

    @Test
    void acknowledgementsOfRecordsNotHeldOrOfUnknownTypesFail() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(broker.get())) {
            String member = Uuid.randomUuid().toString();
            heartbeat(c, "g-ack", member, 0, List.of(TOPIC));
            ShareFetchResponse opened = fetch(c, "g-ack", member, 0);
            assertThat(partition(opened).acquiredRecords().get(0).lastOffset()).isEqualTo(1);

            // Offsets 3 and 4 were never delivered to this member.
            ShareFetchResponse notHeld = fetch(c, "g-ack", member, 1, ack(3, 4, 1));
            assertThat(partition(notHeld).acknowledgeErrorCode()).isEqualTo(Errors.INVALID_RECORD_STATE.code());
            ShareFetchResponse badType = fetch(c, "g-ack", member, 2, ack(0, 1, 9));
            assertThat(partition(badType).acknowledgeErrorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

            // Outside a fetch, with ShareAcknowledge: 0 and 1 are still held, and accepted now.
            ShareAcknowledgeRequestData.AcknowledgePartition p = new ShareAcknowledgeRequestData.AcknowledgePartition()
                .setPartitionIndex(0).setAcknowledgementBatches(List.of(new ShareAcknowledgeRequestData.AcknowledgementBatch()
                    .setFirstOffset(0).setLastOffset(1).setAcknowledgeTypes(List.of((byte) 1))));
            ShareAcknowledgeRequestData.AcknowledgeTopic t = new ShareAcknowledgeRequestData.AcknowledgeTopic().setTopicId(topicId);
            t.partitions().add(p);
            ShareAcknowledgeRequestData data = new ShareAcknowledgeRequestData().setGroupId("g-ack").setMemberId(member)
                .setShareSessionEpoch(4);
            data.topics().add(t);
            ShareAcknowledgeResponse wrongEpoch = c.send(new ShareAcknowledgeRequest.Builder(data.duplicate()).build((short) 1));
            assertThat(wrongEpoch.error()).isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH);
            data.setShareSessionEpoch(3);
            ShareAcknowledgeResponse accepted = c.send(new ShareAcknowledgeRequest.Builder(data).build((short) 1));
            assertThat(accepted.error()).isEqualTo(Errors.NONE);
            assertThat(accepted.data().responses().iterator().next().partitions().get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        }
    }
}
