package io.wharf.broker.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPartitionerTest {
    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** What kafka-clients' Utils.murmur2 answers (checked with 4.1.1 and 4.4.0) for these keys (every tail length, UTF-8, empty). */
    private static final Map<String, Integer> KAFKA_MURMUR2 = Map.ofEntries(
        Map.entry("", 275646681),
        Map.entry("a", -1563381124),
        Map.entry("ab", 316155434),
        Map.entry("abc", 479470107),
        Map.entry("21", -973932308),
        Map.entry("foobar", -790332482),
        Map.entry("sensors.kitchen.temp", 1481403478),
        Map.entry("a-little-bit-long-string", -985981536),
        Map.entry("a-little-bit-longer-string", -1486304829),
        Map.entry("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        Map.entry("ключ", 2122343024));

    @Test
    void murmur2IsKafkasBitForBit() {
        KAFKA_MURMUR2.forEach((key, hash) -> assertThat(TopicPartitioner.murmur2(utf8(key))).as(key).isEqualTo(hash));
    }

    @Test
    void aKeyGoesWhereKafkasDefaultPartitionerPutsIt() {
        // toPositive(murmur2(key)) % 6, as kafka-clients computes it.
        assertThat(TopicPartitioner.forKey(utf8("a"), 6)).isEqualTo(4);
        assertThat(TopicPartitioner.forKey(utf8("sensors.kitchen.temp"), 6)).isEqualTo(4);
        assertThat(TopicPartitioner.forKey(utf8("a-little-bit-longer-string"), 6)).isEqualTo(5);
        assertThat(TopicPartitioner.forKey(utf8("ключ"), 6)).isEqualTo(2);
        TopicPartitioner partitioner = new TopicPartitioner();
        for (int i = 0; i < 5; i++) assertThat(partitioner.partition("t", utf8("a"), 6)).isEqualTo(4);
    }

    @Test
    void toPositiveClearsTheSignBitEvenOfMinValue() {
        assertThat(TopicPartitioner.toPositive(Integer.MIN_VALUE)).isZero();
        assertThat(TopicPartitioner.toPositive(-1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(TopicPartitioner.toPositive(7)).isEqualTo(7);
    }

    @Test
    void recordsWithoutKeyGoRoundRobinPerTopic() {
        TopicPartitioner partitioner = new TopicPartitioner();
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            a.add(partitioner.partition("a", null, 3));
            if (i < 2) b.add(partitioner.partition("b", null, 2));
        }
        assertThat(a).containsExactly(0, 1, 2, 0, 1, 2, 0);
        assertThat(b).containsExactly(0, 1);
        partitioner.forget("a");
        assertThat(partitioner.partition("a", null, 3)).isZero();
    }
}
