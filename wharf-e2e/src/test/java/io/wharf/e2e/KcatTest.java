package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.consumer;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static io.wharf.e2e.ProduceFetchSupport.poll;
import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka against Wharf, through kcat as a user types it: metadata, keyed produce with every codec
 * (librdkafka picks its record format from the advertised Produce range, KAFKA-18659), and consume back in
 * exact per-partition order, including what the Java producer wrote. Skipped, and reported so, when kcat
 * is not installed; {@code .ci/run} installs it.
 */
class KcatTest {
    private static final long TIMEOUT_SECONDS = 60;

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static String kcat;

    @BeforeAll
    static void findKcat() {
        kcat = findOnPath("kcat").or(() -> findOnPath("kafkacat")).orElse(null);
    }

    /** Per test rather than per class, so that Surefire counts every test as skipped, not as none run. */
    @BeforeEach
    void requireKcat() {
        Assumptions.assumeTrue(kcat != null, "kcat is not installed; .ci/run installs it");
    }

    private static Optional<String> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Arrays.stream(path.split(File.pathSeparator)).map(d -> Path.of(d, name))
            .filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    /** What a kcat run printed. */
    private record Run(int exitCode, String stdout, String stderr) {
        Run succeeded() {
            assertThat(exitCode).as("kcat exit code; stderr:%n%s", stderr).isZero();
            return this;
        }
    }

    /** Runs kcat against the test broker with {@code args}, feeding it {@code stdin}; fails on a timeout. */
    private static Run kcat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(kcat, "-b", broker.bootstrapServers()));
        command.addAll(List.of(args));
        Path in = Files.createTempFile(broker.dir(), "kcat-in", ".txt");
        Path out = Files.createTempFile(broker.dir(), "kcat-out", ".txt");
        Path err = Files.createTempFile(broker.dir(), "kcat-err", ".txt");
        Files.writeString(in, stdin);
        Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
            .redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS
                + "s; stderr:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Each partition's lines, {@code key:value}, as kcat consumed them from the beginning to the end. */
    private static Map<Integer, List<String>> consumeByPartition(String topic) throws Exception {
        String out = kcat("", "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p|%k:%s\\n").succeeded().stdout();
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (String line : out.lines().toList()) {
            int bar = line.indexOf('|');
            byPartition.computeIfAbsent(Integer.parseInt(line.substring(0, bar)), p -> new ArrayList<>())
                .add(line.substring(bar + 1));
        }
        return byPartition;
    }

    @Test
    void metadataListsTheBrokerAndTheTopic() throws Exception {
        String topic = createTopic(broker.get(), "kcat-metadata", 3, Map.of());
        String out = kcat("", "-L", "-t", topic).succeeded().stdout();
        assertThat(out).containsPattern("1 brokers:\\s+broker \\d+ at " + broker.bootstrapServers().replace(".", "\\.")
            + " \\(controller\\)");
        assertThat(out).contains("topic \"" + topic + "\" with 3 partitions:");
        for (int p = 0; p < 3; p++) assertThat(out).containsPattern("partition " + p + ", leader \\d+, replicas: \\d+, isrs: \\d+");
        assertThat(kcat("", "-L").succeeded().stdout()).contains("topic \"" + topic + "\"");
    }

    @ParameterizedTest(name = "-z {0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void keyedLinesProducedWithEachCodecAreConsumedInOrder(String codec) throws Exception {
        String topic = createTopic(broker.get(), "kcat-" + codec, 3, Map.of());
        List<String> lines = IntStream.range(0, 200)
            .mapToObj(i -> "key-" + (i % 7) + ":" + codec + " line " + i + " " + "x".repeat(i % 40))
            .toList();
        kcat(String.join("\n", lines) + "\n", "-P", "-t", topic, "-K:", "-z", codec).succeeded();

        Map<Integer, List<String>> consumed = consumeByPartition(topic);
        // librdkafka's partitioner sends every key to one partition, so each partition holds its keys' lines
        // in the order they were typed.
        Map<Integer, List<String>> expected = new TreeMap<>();
        Map<String, Integer> partitionOfKey = new LinkedHashMap<>();
        consumed.forEach((p, ls) -> ls.forEach(l -> partitionOfKey.put(l.substring(0, l.indexOf(':')), p)));
        assertThat(partitionOfKey).hasSize(7);
        for (String line : lines) {
            Integer p = partitionOfKey.get(line.substring(0, line.indexOf(':')));
            expected.computeIfAbsent(p, x -> new ArrayList<>()).add(line);
        }
        assertThat(consumed).isEqualTo(expected);
        assertThat(consumed.values().stream().mapToInt(List::size).sum()).isEqualTo(lines.size());
        // Record format v2 throughout, compressed as asked; librdkafka sends a batch that would not shrink
        // uncompressed, so a small one may be NONE.
        List<StoredBatch> stored = new ArrayList<>();
        for (int p = 0; p < 3; p++) stored.addAll(storedBatches(topic, p));
        StoredBatch compressed = new StoredBatch(RecordBatch.MAGIC_VALUE_V2, CompressionType.forName(codec));
        assertThat(stored).contains(compressed)
            .isSubsetOf(compressed, new StoredBatch(RecordBatch.MAGIC_VALUE_V2, CompressionType.NONE));
    }

    /** What matters here of a batch as stored: its record format and its codec. */
    private record StoredBatch(byte magic, CompressionType compression) {
    }

    /** The batches in a partition's log files, as librdkafka sent them (Wharf stores batches unchanged). */
    private static List<StoredBatch> storedBatches(String topic, int partition) throws IOException {
        Path partitionDir = broker.dir().resolve("logs").resolve(topic + "-" + partition);
        List<StoredBatch> batches = new ArrayList<>();
        try (var files = Files.list(partitionDir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                try (FileRecords records = FileRecords.open(log.toFile(), false)) {
                    for (RecordBatch b : records.batches()) batches.add(new StoredBatch(b.magic(), b.compressionType()));
                }
            }
        }
        return batches;
    }

    @Test
    void onePartitionReadsBackExactlyWhatWasTyped() throws Exception {
        String topic = createTopic(broker.get(), "kcat-exact", 1, Map.of());
        String typed = "alpha:first\nbeta:second value\nalpha:third:with colon\ngamma:\n";
        kcat(typed, "-P", "-t", topic, "-K:", "-z", "lz4").succeeded();
        kcat("delta:fourth\n", "-P", "-t", topic, "-K:", "-z", "zstd").succeeded();

        String out = kcat("", "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n").succeeded().stdout();
        assertThat(out).isEqualTo(typed + "delta:fourth\n");
    }

    @Test
    void kcatReadsWhatTheJavaProducerWroteAndTheJavaConsumerReadsWhatKcatWrote() throws Exception {
        String fromJava = createTopic(broker.get(), "kcat-from-java", 2, Map.of());
        try (KafkaProducer<String, String> producer = producer(broker.get(), "compression.type", "snappy", "linger.ms", "20")) {
            for (int i = 0; i < 50; i++) producer.send(new ProducerRecord<>(fromJava, i % 2, "k" + i, "java " + i));
            producer.flush();
        }
        Map<Integer, List<String>> expected = new TreeMap<>();
        for (int i = 0; i < 50; i++) expected.computeIfAbsent(i % 2, p -> new ArrayList<>()).add("k" + i + ":java " + i);
        assertThat(consumeByPartition(fromJava)).isEqualTo(expected);

        String fromKcat = createTopic(broker.get(), "kcat-to-java", 1, Map.of());
        String typed = IntStream.range(0, 30).mapToObj(i -> "k" + i + ":kcat " + i).collect(Collectors.joining("\n"));
        kcat(typed + "\n", "-P", "-t", fromKcat, "-K:", "-z", "gzip").succeeded();
        try (KafkaConsumer<String, String> consumer = consumer(broker.get())) {
            consumer.assign(List.of(new TopicPartition(fromKcat, 0)));
            List<ConsumerRecord<String, String>> records = poll(consumer, 30, Duration.ofSeconds(20));
            assertThat(records).extracting(r -> r.key() + ":" + r.value()).containsExactlyElementsOf(typed.lines().toList());
            assertThat(records).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                IntStream.range(0, 30).mapToObj(Long::valueOf).toList());
        }
    }

    @Test
    void aConsumerGroupReadsEverythingOnceAndResumesFromItsCommittedOffsets() throws Exception {
        String topic = createTopic(broker.get(), "kcat-group", 2, Map.of());
        kcat("a:1\nb:2\nc:3\nd:4\n", "-P", "-t", topic, "-K:").succeeded();
        // Not -o: in -G mode kcat would apply it to every assignment and override the committed offsets.
        String[] group = {"-G", "kcat-readers", topic, "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%k:%s\\n"};

        assertThat(kcat("", group).succeeded().stdout().lines().sorted().toList()).containsExactly("a:1", "b:2", "c:3", "d:4");
        kcat("e:5\n", "-P", "-t", topic, "-K:").succeeded();
        assertThat(kcat("", group).succeeded().stdout()).isEqualTo("e:5\n");
    }
}
