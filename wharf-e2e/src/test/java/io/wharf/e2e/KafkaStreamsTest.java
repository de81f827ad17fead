package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Kafka Streams application end to end: word count with a repartition topic and a changelog-backed
 * state store, both created by Streams through CreateTopics, consumed through a consumer group with
 * Streams' own assignor.
 */
class KafkaStreamsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    @Test
    void wordCountCountsEveryWord() throws Exception {
        ProduceFetchSupport.createTopic(broker.get(), "text-lines", 2, Map.of());
        ProduceFetchSupport.createTopic(broker.get(), "word-counts", 2, Map.of());
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream("text-lines")
            .flatMapValues(line -> Arrays.asList(line.toLowerCase().split("\\W+")))
            .groupBy((key, word) -> word)
            .count()
            .toStream()
            .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = broker.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wordcount-test");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.STATE_DIR_CONFIG, broker.dir().resolve("streams-state").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            try (KafkaProducer<String, String> producer = ProduceFetchSupport.producer(broker.get())) {
                for (String line : List.of("the quick brown fox", "jumps over the lazy dog", "The dog barks",
                    "the end")) {
                    producer.send(new ProducerRecord<>("text-lines", line)).get();
                }
            }
            Map<String, Long> expected = Map.of("the", 4L, "dog", 2L, "quick", 1L, "brown", 1L, "fox", 1L,
                "jumps", 1L, "over", 1L, "lazy", 1L, "barks", 1L, "end", 1L);
            Properties cp = broker.clientProperties();
            cp.put("auto.offset.reset", "earliest");
            cp.put("enable.auto.commit", "false");
            Map<String, Long> latest = new HashMap<>();
            try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new LongDeserializer())) {
                consumer.assign(List.of(new TopicPartition("word-counts", 0), new TopicPartition("word-counts", 1)));
                long deadline = System.currentTimeMillis() + 60_000;
                while (!latest.equals(expected) && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) latest.put(r.key(), r.value());
                }
            }
            assertThat(latest).isEqualTo(expected);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        var topics = broker.server().broker().topics().topics().stream().map(t -> t.name()).toList();
        assertThat(topics).anyMatch(n -> n.startsWith("wordcount-test-") && n.endsWith("-repartition"))
            .anyMatch(n -> n.startsWith("wordcount-test-") && n.endsWith("-changelog"));
    }
}
