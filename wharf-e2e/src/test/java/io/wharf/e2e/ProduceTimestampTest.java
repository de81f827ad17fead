package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Record timestamps against a CreateTime topic's window, {@code message.timestamp.before.max.ms} and
 * {@code message.timestamp.after.max.ms}, with the real Java producer: a record outside it fails its send
 * with INVALID_TIMESTAMP and nothing of its batch is stored; a LogAppendTime topic takes any timestamp.
 */
class ProduceTimestampTest {
    private static final long HOUR = 3_600_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static void send(KafkaProducer<String, String> producer, String topic, long timestamp, String value)
        throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, timestamp, null, value)).get(30, TimeUnit.SECONDS);
    }

    private static void assertRefused(KafkaProducer<String, String> producer, String topic, long timestamp) {
        assertThatThrownBy(() -> send(producer, topic, timestamp, "refused"))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(InvalidTimestampException.class)
            .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("out of range"));
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int count) {
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = poll(consumer, count, TIMEOUT);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, (long) count);
            return records;
        }
    }

    @Test
    void byDefaultARecordMoreThanAnHourAheadIsRefused() throws Exception {
        String topic = createTopic(broker.get(), "future-timestamps", 1, Map.of());
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            long now = System.currentTimeMillis();
            send(producer, topic, now, "now");
            send(producer, topic, 1L, "1970");
            assertRefused(producer, topic, now + 2 * HOUR);
            send(producer, topic, now + HOUR / 2, "half an hour ahead");
        }
        assertThat(readAll(topic, 3)).extracting(ConsumerRecord::value).containsExactly("now", "1970", "half an hour ahead");
    }

    @Test
    void beforeMaxMsRefusesARecordOlderThanTheWindow() throws Exception {
        String topic = createTopic(broker.get(), "past-timestamps", 1,
            Map.of("message.timestamp.before.max.ms", Long.toString(HOUR)));
        try (KafkaProducer<String, String> producer = producer(broker.get(), "compression.type", "lz4")) {
            long now = System.currentTimeMillis();
            send(producer, topic, now - HOUR / 2, "half an hour old");
            assertRefused(producer, topic, now - 2 * HOUR);
            send(producer, topic, now, "now");
        }
        assertThat(readAll(topic, 2)).extracting(ConsumerRecord::value).containsExactly("half an hour old", "now");
    }

    @Test
    void narrowingTheWindowWithTheAdminClientTakesEffectAtOnce() throws Exception {
        String topic = createTopic(broker.get(), "narrowed-window", 1, Map.of());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<String, String> producer = producer(broker.get())) {
            long now = System.currentTimeMillis();
            send(producer, topic, now + 10 * 60_000, "ten minutes ahead");
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("message.timestamp.after.max.ms", "60000"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
            assertRefused(producer, topic, System.currentTimeMillis() + 10 * 60_000);
        }
        assertThat(readAll(topic, 1)).extracting(ConsumerRecord::value).containsExactly("ten minutes ahead");
    }

    @Test
    void aLogAppendTimeTopicTakesAnyTimestampAndStampsItsOwn() throws Exception {
        String topic = createTopic(broker.get(), "append-time", 1, Map.of("message.timestamp.type", "LogAppendTime",
            "message.timestamp.after.max.ms", "0", "message.timestamp.before.max.ms", "0"));
        long before = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = producer(broker.get())) {
            send(producer, topic, before + 10 * HOUR, "far future");
            send(producer, topic, 1L, "far past");
        }
        long after = System.currentTimeMillis();
        assertThat(readAll(topic, 2)).allSatisfy(r -> {
            assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).isBetween(before, after);
        });
    }
}
