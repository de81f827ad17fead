package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code delete.topic.enable=false} a delete is refused and the topic stays, as in Kafka. */
class AdminDeleteDisabledTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("delete.topic.enable", "false");

    private Admin admin;

    @BeforeEach
    void start() {
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void deletingATopicIsRefusedAndTheTopicStaysListed() throws Exception {
        admin.createTopics(List.of(new NewTopic("permanent", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin.deleteTopics(List.of("permanent")).all().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicDeletionDisabledException.class);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("permanent");
        assertThat(admin.describeTopics(List.of("permanent")).allTopicNames().get(30, TimeUnit.SECONDS)
            .get("permanent").partitions()).hasSize(2);
    }

    @Test
    void clientsOlderThanTheErrorCodeGetInvalidRequest() throws Exception {
        admin.createTopics(List.of(new NewTopic("old-client", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (RawKafkaConnection raw = new RawKafkaConnection(broker.get())) {
            DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTopicNames(List.of("old-client")).setTimeoutMs(10_000);
            DeleteTopicsResponse v2 = raw.send(new DeleteTopicsRequest.Builder(data).build((short) 2));
            assertThat(v2.data().responses().find("old-client").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            DeleteTopicsResponse v3 = raw.send(new DeleteTopicsRequest.Builder(data).build((short) 3));
            assertThat(v3.data().responses().find("old-client").errorCode()).isEqualTo(Errors.TOPIC_DELETION_DISABLED.code());
        }
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("old-client");
    }
}
