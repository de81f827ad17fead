package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Applications are not all upgraded at once: kafka-clients 3.9 and 4.0 (each in a JVM of its own, from the jars
 * the build copies to {@code target/old-kafka-clients}) produce idempotently with acks=all, consume in a group and
 * commit, and run transactions (3.9 on transaction protocol 1, 4.0 on protocol 2) against the broker that the
 * current client release is tested with; the current Admin client then sees what they did.
 */
class OldKafkaClientsTest {
    private static final int COUNT = 20;

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @ParameterizedTest
    @ValueSource(strings = {"3.9.1", "4.0.1"})
    void anOlderClientProducesConsumesAndCommits(String version) throws Exception {
        String topic = "old-" + version.replace('.', '-');
        String group = "old-group-" + version;
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);

            Path jars = ClientProcess.moduleDir().resolve("target/old-kafka-clients");
            Path client = jars.resolve(version).resolve("kafka-clients-" + version + ".jar");
            Path slf4j = jars.resolve("lib/slf4j-api-1.7.36.jar");
            assertThat(client).as("copied by the build (maven-dependency-plugin, old-kafka-clients)").exists();
            assertThat(slf4j).exists();
            Path source = ClientProcess.moduleDir().resolve("src/test/old-kafka-client/OldClient.java");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ClientProcess.Run run = ClientProcess.run(broker.dir(), Duration.ofSeconds(90), List.of(java, "-cp",
                client + File.pathSeparator + slf4j, source.toString(), broker.bootstrapServers(), topic, group,
                Integer.toString(COUNT))).succeeded();

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) expected.add("k" + i + "=v" + i);
            assertThat(run.stdout().lines().toList()).as("stderr:%n%s", run.stderr()).containsExactly(
                "version " + version, "produced " + COUNT, "consumed " + String.join(",", expected), "committed " + COUNT,
                "transactional kept-1,kept-2,kept-3");

            TopicPartition tp = new TopicPartition(topic, 0);
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).get(tp);
            assertThat(committed.offset()).isEqualTo(COUNT);
        }
    }
}
