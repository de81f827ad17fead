package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics created on first use ({@code auto.create.topics.enable}) through Metadata requests of the real
 * producer and consumer, and not created when the broker or the client says no.
 */
class MetadataAutoCreateTest {
    @TempDir
    Path dir;

    private WharfTestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private TopicManager topics() {
        return broker.server().broker().topics();
    }

    @Test
    void aProducerSendingToAnUnknownTopicCreatesItWithTheBrokerDefaults() throws Exception {
        broker = WharfTestBroker.start(dir, "num.partitions", "3");
        // InitProducerId is not implemented yet.
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)) {
            RecordMetadata sent = producer.send(new ProducerRecord<>("created-on-send", "key", "value")).get(30, TimeUnit.SECONDS);
            assertThat(sent.topic()).isEqualTo("created-on-send");
            assertThat(sent.offset()).isZero();
            long stored = topics().partition(new PartitionId("created-on-send", sent.partition())).orElseThrow().logEndOffset();
            assertThat(stored).isEqualTo(1);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of("created-on-send")).allTopicNames().get(30, TimeUnit.SECONDS)
                .get("created-on-send").partitions()).hasSize(3);
        }
    }

    @Test
    void partitionsForAnUnknownTopicCreatesIt() {
        broker = WharfTestBroker.start(dir, "num.partitions", "2");
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker)) {
            List<PartitionInfo> partitions = producer.partitionsFor("created-on-lookup");
            assertThat(partitions).extracting(PartitionInfo::partition).containsExactlyInAnyOrder(0, 1);
            assertThat(partitions).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(0));
        }
        assertThat(topics().topic("created-on-lookup")).isPresent();
    }

    @Test
    void nothingIsCreatedWhenTheBrokerDisallowsIt() {
        broker = WharfTestBroker.start(dir, "auto.create.topics.enable", "false");
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker, ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500)) {
            assertThatThrownBy(() -> producer.partitionsFor("never-created")).isInstanceOf(TimeoutException.class);
        }
        assertThat(topics().topic("never-created")).isEmpty();
    }

    @Test
    void nothingIsCreatedWhenTheClientDisallowsIt() {
        broker = WharfTestBroker.start(dir);
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(broker,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)) {
            assertThat(consumer.partitionsFor("not-by-consumer")).isNullOrEmpty();
        }
        assertThat(topics().topic("not-by-consumer")).isEmpty();
    }
}
