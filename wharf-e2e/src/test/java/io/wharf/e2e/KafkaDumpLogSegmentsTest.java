package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.topic.PartitionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's {@code DumpLogSegments} (org.apache.kafka.tools, in kafka-tools at the pinned release),
 * unmodified and in its own JVM as {@code kafka-dump-log.sh} runs it, reads a Wharf partition written by
 * the real producer — batches of many records in every codec, idempotent and transactional, over several
 * segments — and finds every record, every batch valid and every index entry where Kafka puts it.
 */
class KafkaDumpLogSegmentsTest {
    private static final String TOPIC = "dumped";
    private static final int INDEX_INTERVAL = 3000;
    private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final Pattern BATCH = Pattern.compile(
        "^baseOffset: (\\d+) lastOffset: (\\d+) count: (\\d+) .* isTransactional: (\\w+) isControl: (\\w+) .*"
            + "position: (\\d+) \\w+: (-?\\d+) size: \\d+ magic: 2 compresscodec: (\\w+) crc: \\d+ isvalid: (\\w+)$");
    private static final Pattern RECORD = Pattern.compile("^\\| offset: (\\d+) \\w+: -?\\d+ .*");
    private static final Pattern INDEX_ENTRY = Pattern.compile("^offset: (\\d+) position: (\\d+)$");
    private static final Pattern TIME_ENTRY = Pattern.compile("^timestamp: (\\d+) offset: (\\d+)$");

    @TempDir
    static Path dir;
    private static Path partitionDir;
    /** Offsets of the data records the producers were told, and those of the two transactions. */
    private static final TreeSet<Long> produced = new TreeSet<>();
    private static final List<Long> committed = new ArrayList<>();
    private static final List<Long> aborted = new ArrayList<>();
    private static long logEndOffset;

    /** One batch line of a deep dump. */
    private record Batch(Path file, long baseOffset, long lastOffset, int count, boolean control, int position,
                         long maxTimestamp, String codec, boolean valid) {
    }

    private record Dump(String stdout, String stderr) {
        List<String> lines() { return stdout.lines().toList(); }
    }

    @BeforeAll
    static void produceThenStopTheBroker() throws Exception {
        WharfTestBroker broker = WharfTestBroker.start(dir);
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "segment.bytes", "16384", "index.interval.bytes", Integer.toString(INDEX_INTERVAL)))))
                    .all().get(30, TimeUnit.SECONDS);
            }
            Random random = new Random(13);
            for (String codec : CODECS) {
                try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 20,
                    ProducerConfig.BATCH_SIZE_CONFIG, 2048)) {
                    List<Future<RecordMetadata>> sends = new ArrayList<>();
                    for (int i = 0; i < 300; i++) sends.add(producer.send(new ProducerRecord<>(TOPIC, 0, codec + "-" + i, value(random))));
                    producer.flush();
                    for (Future<RecordMetadata> f : sends) produced.add(f.get(30, TimeUnit.SECONDS).offset());
                }
            }
            try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker,
                "transactional.id", "dumped-txn", ProducerConfig.LINGER_MS_CONFIG, 20)) {
                producer.initTransactions();
                committed.addAll(transaction(producer, "committed", 30, random));
                producer.commitTransaction();
                aborted.addAll(transaction(producer, "aborted", 10, random));
                producer.abortTransaction();
            }
            produced.addAll(committed);
            produced.addAll(aborted);
            logEndOffset = broker.server().broker().topics().partition(new PartitionId(TOPIC, 0))
                .orElseThrow().log().logEndOffset();
        } finally {
            broker.close(); // a clean shutdown: the indexes are trimmed to their entries, as Kafka leaves them
        }
        partitionDir = dir.resolve("logs").resolve(TOPIC + "-0");
    }

    private static List<Long> transaction(KafkaProducer<String, String> producer, String name, int count, Random random)
        throws Exception {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) sends.add(producer.send(new ProducerRecord<>(TOPIC, 0, name + "-" + i, value(random))));
        producer.flush();
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> f : sends) offsets.add(f.get(30, TimeUnit.SECONDS).offset());
        return offsets;
    }

    /** 40 to 140 random letters: compressible, but not to nothing. */
    private static String value(Random random) {
        StringBuilder b = new StringBuilder();
        int length = 40 + random.nextInt(100);
        for (int i = 0; i < length; i++) b.append((char) ('a' + random.nextInt(8)));
        return b.toString();
    }

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(partitionDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static String joined(List<Path> files) {
        return files.stream().map(Path::toString).collect(Collectors.joining(","));
    }

    /** Runs DumpLogSegments in its own JVM; fails unless it exits 0. */
    private static Dump dumpLogSegments(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.DumpLogSegments"));
        command.addAll(List.of(args));
        ClientProcess.Run run = ClientProcess.run(partitionDir, Duration.ofSeconds(120), command).succeeded();
        return new Dump(run.stdout(), run.stderr());
    }

    /** The batches of a deep dump of every {@code .log} file, each with its file. */
    private static List<Batch> batches(Dump dump) {
        List<Batch> out = new ArrayList<>();
        Path file = null;
        for (String line : dump.lines()) {
            if (line.startsWith("Dumping ")) file = Path.of(line.substring("Dumping ".length()));
            Matcher m = BATCH.matcher(line);
            if (m.matches()) {
                out.add(new Batch(file, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)),
                    Boolean.parseBoolean(m.group(5)), Integer.parseInt(m.group(6)), Long.parseLong(m.group(7)), m.group(8),
                    Boolean.parseBoolean(m.group(9))));
            }
        }
        return out;
    }

    /** Kafka's own warnings would go to stderr; the JVM of a clean run prints nothing there. */
    private static void assertNoErrors(Dump dump) {
        assertThat(dump.stderr()).as("stderr; stdout:%n%s", dump.stdout()).isEmpty();
    }

    /**
     * kafka-tools 4.4's deep iteration starts every file's "last offset" at -1, so it reports the first record of
     * each segment not based at 0 as following offset -1 — for Kafka's own segments as well. That report, for exactly
     * those files and their base offsets, is all stderr may hold; any other gap or warning fails.
     */
    private static void assertOnlyFirstOffsetReports(Dump dump, List<Path> logs) {
        java.util.Set<String> reports = new java.util.TreeSet<>();
        for (Path log : logs) {
            long base = Long.parseLong(log.getFileName().toString().replace(".log", ""));
            if (base > 0) reports.add("Non-consecutive offsets in " + log.toAbsolutePath() + "\n  -1 is followed by " + base);
        }
        java.util.Set<String> actual = new java.util.TreeSet<>();
        String[] lines = dump.stderr().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty()) continue;
            actual.add(i + 1 < lines.length && lines[i + 1].startsWith("  ") ? lines[i] + "\n" + lines[++i] : lines[i]);
        }
        assertThat(actual).as("stderr; stdout:%n%s", dump.stdout()).containsExactlyElementsOf(reports);
    }

    @Test
    void aDeepIterationListsEveryRecordInValidBatches() throws Exception {
        List<Path> logs = files(".log");
        assertThat(logs).as("segments").hasSizeGreaterThan(3);
        Dump dump = dumpLogSegments("--deep-iteration", "--files", joined(logs));
        assertOnlyFirstOffsetReports(dump, logs);
        for (Path log : logs) {
            long base = Long.parseLong(log.getFileName().toString().substring(0, 20));
            assertThat(dump.lines()).contains("Dumping " + log, "Log starting offset: " + base);
        }
        assertThat(dump.stdout()).doesNotContain("isvalid: false", "invalid bytes", "Exception", "Non-consecutive");

        List<Batch> batches = batches(dump);
        List<Long> recordOffsets = dump.lines().stream().map(RECORD::matcher).filter(Matcher::matches)
            .map(m -> Long.parseLong(m.group(1))).toList();
        // Every offset of the log, in order: the records produced and the two transaction markers.
        assertThat(recordOffsets).containsExactlyElementsOf(LongStream.range(0, logEndOffset).boxed().toList());
        assertThat(batches).allSatisfy(b -> assertThat(b.valid()).as("batch %d", b.baseOffset()).isTrue());
        assertThat(batches.stream().mapToInt(Batch::count).sum()).isEqualTo(recordOffsets.size());
        List<Long> markers = batches.stream().filter(Batch::control).map(Batch::baseOffset).toList();
        assertThat(markers).containsExactly(committed.get(committed.size() - 1) + 1, aborted.get(aborted.size() - 1) + 1);
        TreeSet<Long> data = new TreeSet<>(LongStream.range(0, logEndOffset).boxed().toList());
        data.removeAll(markers);
        assertThat(data).isEqualTo(produced).hasSize(5 * 300 + 30 + 10);
        assertThat(dump.lines()).filteredOn(l -> l.contains("endTxnMarker: COMMIT")).hasSize(1);
        assertThat(dump.lines()).filteredOn(l -> l.contains("endTxnMarker: ABORT")).hasSize(1);
        assertThat(batches).extracting(Batch::codec).containsAll(CODECS);
        assertThat(batches).filteredOn(b -> !b.control()).allSatisfy(b -> assertThat(b.count()).isGreaterThan(0))
            .filteredOn(b -> b.count() > 1).hasSizeGreaterThan(batches.size() / 2);
    }

    @Test
    void everyIndexPassesKafkasSanityCheck() throws Exception {
        List<Path> indexes = new ArrayList<>(files(".index"));
        indexes.addAll(files(".timeindex"));
        Dump dump = dumpLogSegments("--index-sanity-check", "--files", joined(indexes));
        assertNoErrors(dump);
        for (Path index : indexes) {
            boolean emptyOffsetIndex = index.toString().endsWith(".index") && Files.size(index) == 0;
            assertThat(dump.lines()).as(index.toString())
                .contains(emptyOffsetIndex ? index + " is empty." : index + " passed sanity check.");
        }
        assertThat(files(".index")).filteredOn(p -> size(p) > 0).hasSizeGreaterThan(3);
    }

    @Test
    void theIndexDumpFindsNoMismatchAndEachEntryIsABatchsLastOffsetAndPosition() throws Exception {
        Dump deep = dumpLogSegments("--deep-iteration", "--files", joined(files(".log")));
        Map<Path, Map<Integer, Batch>> batchAt = new HashMap<>();
        for (Batch b : batches(deep)) batchAt.computeIfAbsent(b.file(), f -> new HashMap<>()).put(b.position(), b);

        List<Path> indexes = new ArrayList<>(files(".index"));
        indexes.addAll(files(".timeindex"));
        Dump dump = dumpLogSegments("--files", joined(indexes));
        assertNoErrors(dump); // Kafka reports "Mismatches in", timestamp mismatches and missing offsets on stderr

        Map<Path, List<long[]>> offsetEntries = entries(dump, INDEX_ENTRY);
        Map<Path, List<long[]>> timeEntries = entries(dump, TIME_ENTRY);
        int indexed = 0;
        for (Path index : files(".index")) {
            Path log = sibling(index, ".log");
            List<long[]> entries = offsetEntries.getOrDefault(index, List.of());
            assertThat(entries).as(index.toString()).hasSize((int) (size(index) / 8));
            for (long[] e : entries) {
                Batch b = batchAt.get(log).get((int) e[1]);
                assertThat(b).as("a batch at position %d of %s", e[1], log).isNotNull();
                assertThat(e[0]).as("entry at position %d of %s", e[1], index).isEqualTo(b.lastOffset());
            }
            if (entries.stream().anyMatch(e -> batchAt.get(log).get((int) e[1]).count() > 1)) indexed++;
        }
        assertThat(indexed).as("indexes with an entry on a batch of several records").isGreaterThan(3);
        for (Path timeIndex : files(".timeindex")) {
            Path log = sibling(timeIndex, ".log");
            List<long[]> entries = timeEntries.getOrDefault(timeIndex, List.of());
            assertThat(entries).as(timeIndex.toString()).hasSize((int) (size(timeIndex) / 12)).isNotEmpty();
            long segmentMax = batchAt.get(log).values().stream().mapToLong(Batch::maxTimestamp).max().orElseThrow();
            assertThat(entries.get(entries.size() - 1)[0]).as("last entry of %s", timeIndex).isEqualTo(segmentMax);
            for (long[] e : entries) {
                assertThat(batchAt.get(log).values()).as("entry %d of %s", e[1], timeIndex)
                    .anySatisfy(b -> assertThat(b.lastOffset()).isEqualTo(e[1]));
            }
        }
    }

    /** The entries the plain dump prints under each "Dumping <file>" line. */
    private static Map<Path, List<long[]>> entries(Dump dump, Pattern entry) {
        Map<Path, List<long[]>> out = new HashMap<>();
        Path file = null;
        for (String line : dump.lines()) {
            if (line.startsWith("Dumping ")) file = Path.of(line.substring("Dumping ".length()));
            Matcher m = entry.matcher(line);
            if (m.matches()) out.computeIfAbsent(file, f -> new ArrayList<>()).add(new long[] {Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2))});
        }
        return out;
    }

    private static Path sibling(Path index, String suffix) {
        String name = index.getFileName().toString();
        return index.resolveSibling(name.substring(0, name.indexOf('.')) + suffix);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
