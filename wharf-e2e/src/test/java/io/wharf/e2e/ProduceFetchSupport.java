package io.wharf.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the produce, fetch and offsets tests share: topics created straight in the broker, and the real
 * Java clients configured as a user would — consumers without a group (consumer groups do not exist yet),
 * positioned with {@code assign} and {@code seek}.
 */
final class ProduceFetchSupport {
    private ProduceFetchSupport() {
    }

    static String createTopic(WharfTestBroker broker, String name, int partitions, Map<String, String> configs) {
        broker.server().broker().topics().createTopic(name, partitions, (short) 1, configs, false);
        return name;
    }

    /** A String producer; {@code overrides} are key, value pairs of producer configs. */
    static KafkaProducer<String, String> producer(WharfTestBroker broker, Object... overrides) {
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        putAll(p, overrides);
        return new KafkaProducer<>(p);
    }

    /** A String consumer with no group and no auto-commit; {@code overrides} are key, value pairs. */
    static KafkaConsumer<String, String> consumer(WharfTestBroker broker, Object... overrides) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        putAll(p, overrides);
        return new KafkaConsumer<>(p);
    }

    private static void putAll(Properties p, Object... overrides) {
        for (int i = 0; i + 1 < overrides.length; i += 2) p.put(String.valueOf(overrides[i]), String.valueOf(overrides[i + 1]));
    }

    /** Polls until {@code count} records arrived (failing after {@code timeout}); returns them in order. */
    static <K, V> List<ConsumerRecord<K, V>> poll(KafkaConsumer<K, V> consumer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("Received " + records.size() + " of " + count + " records within " + timeout);
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos()))).forEach(records::add);
        }
        return records;
    }
}
