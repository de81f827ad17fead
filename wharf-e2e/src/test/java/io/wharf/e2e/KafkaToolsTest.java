package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka's own command-line tools (kafka-tools 4.4.0: kafka-topics, kafka-console-producer,
 * kafka-console-consumer, kafka-consumer-groups), unmodified, each in its own JVM as the shell scripts
 * run them, against a Wharf broker.
 */
class KafkaToolsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    private KafkaTool.Result kafka(String mainClass, String stdin, String... args) throws IOException, InterruptedException {
        return KafkaTool.run(broker.dir(), mainClass, stdin, args);
    }

    @Test
    void theKafkaQuickstartWorksWithKafkasOwnTools() throws Exception {
        String bs = broker.bootstrapServers();
        KafkaTool.Result create = kafka("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bs, "--create",
            "--topic", "quickstart-events", "--partitions", "2", "--replication-factor", "1");
        assertThat(create.exit()).as(create.out()).isZero();
        assertThat(create.out()).contains("Created topic quickstart-events.");

        KafkaTool.Result describe = kafka("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bs, "--describe",
            "--topic", "quickstart-events");
        assertThat(describe.exit()).as(describe.out()).isZero();
        assertThat(describe.out()).contains("PartitionCount: 2").contains("ReplicationFactor: 1");

        KafkaTool.Result list = kafka("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bs, "--list");
        assertThat(list.out().lines()).contains("quickstart-events");

        KafkaTool.Result produce = kafka("org.apache.kafka.tools.ConsoleProducer",
            "This is my first event\nThis is my second event\n", "--bootstrap-server", bs, "--topic", "quickstart-events");
        assertThat(produce.exit()).as(produce.out()).isZero();

        KafkaTool.Result consume = kafka("org.apache.kafka.tools.consumer.ConsoleConsumer", null, "--bootstrap-server", bs,
            "--topic", "quickstart-events", "--from-beginning", "--max-messages", "2", "--group", "quickstart",
            "--timeout-ms", "30000");
        assertThat(consume.exit()).as(consume.out()).isZero();
        assertThat(consume.out().lines()).contains("This is my first event", "This is my second event");

        KafkaTool.Result groups = kafka("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", null, "--bootstrap-server",
            bs, "--describe", "--group", "quickstart");
        assertThat(groups.exit()).as(groups.out()).isZero();
        assertThat(groups.out()).contains("quickstart-events");

        KafkaTool.Result delete = kafka("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bs, "--delete",
            "--topic", "quickstart-events");
        assertThat(delete.exit()).as(delete.out()).isZero();
        KafkaTool.Result after = kafka("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bs, "--list");
        assertThat(after.out().lines()).doesNotContain("quickstart-events");
    }

    @Test
    void kafkaTransactionsListsAndDescribesAnOpenTransactionAndItsProducer() throws Exception {
        String bs = broker.bootstrapServers();
        ProduceFetchSupport.createTopic(broker.get(), "txn-tool", 1, Map.of());
        try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(), "transactional.id", "tool-txn")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-tool", 0, null, "open"));
            producer.flush();

            KafkaTool.Result list = kafka("org.apache.kafka.tools.TransactionsCommand", null, "--bootstrap-server", bs, "list");
            assertThat(list.exit()).as(list.out()).isZero();
            assertThat(list.out()).contains("tool-txn").contains("Ongoing");

            KafkaTool.Result describe = kafka("org.apache.kafka.tools.TransactionsCommand", null, "--bootstrap-server", bs,
                "describe", "--transactional-id", "tool-txn");
            assertThat(describe.exit()).as(describe.out()).isZero();
            assertThat(describe.out()).contains("tool-txn").contains("Ongoing").contains("txn-tool-0");

            // The partition's producers: one, with its open transaction starting at offset 0.
            KafkaTool.Result producers = kafka("org.apache.kafka.tools.TransactionsCommand", null, "--bootstrap-server", bs,
                "describe-producers", "--topic", "txn-tool", "--partition", "0");
            assertThat(producers.exit()).as(producers.out()).isZero();
            List<String> rows = producers.out().lines().filter(l -> !l.isBlank()).toList();
            assertThat(rows).as(producers.out()).hasSize(2); // the header and one producer
            // ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
            String[] columns = rows.get(1).trim().split("\\s+");
            assertThat(columns).as(rows.get(1)).hasSize(6);
            assertThat(columns[1]).as("epoch").isEqualTo("0");
            assertThat(columns[3]).as("last sequence").isEqualTo("0");
            assertThat(columns[5]).as("open transaction's first offset").isEqualTo("0");
            producer.commitTransaction();
        }
    }

    @Test
    void kafkaTransactionsAbortsAHangingTransaction() throws Exception {
        String bs = broker.bootstrapServers();
        ProduceFetchSupport.createTopic(broker.get(), "txn-hang", 1, Map.of());
        TopicPartition tp = new TopicPartition("txn-hang", 0);
        KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get(), "transactional.id", "hanging",
            "transaction.timeout.ms", "600000");
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-hang", 0, null, "stuck"));
        producer.flush();
        producer.close(Duration.ZERO); // gone without ending its transaction
        try (KafkaProducer<String, String> plain = ProduceFetchSupport.producer(broker.get());
             KafkaConsumer<String, String> committed = ProduceFetchSupport.consumer(broker.get(), "isolation.level", "read_committed")) {
            plain.send(new ProducerRecord<>("txn-hang", 0, null, "after")).get();
            assertThat(committed.endOffsets(List.of(tp))).as("held by the open transaction").containsEntry(tp, 0L);

            KafkaTool.Result abort = kafka("org.apache.kafka.tools.TransactionsCommand", null, "--bootstrap-server", bs,
                "abort", "--topic", "txn-hang", "--partition", "0", "--start-offset", "0");
            assertThat(abort.exit()).as(abort.out()).isZero();

            assertThat(committed.endOffsets(List.of(tp))).as("record, plain record, abort marker").containsEntry(tp, 3L);
            committed.assign(List.of(tp));
            assertThat(ProduceFetchSupport.poll(committed, 1, Duration.ofSeconds(30))).extracting(r -> r.value())
                .containsExactly("after");
        }
    }
}
