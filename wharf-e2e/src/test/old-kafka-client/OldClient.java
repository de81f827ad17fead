import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * What an application on an older kafka-clients does (OldKafkaClientsTest runs this file with the old jar):
 * an idempotent producer with acks=all, then a consumer group member that reads its records back and commits.
 * Only API that every client from 3.0 on has. Prints one line per result; exits non-zero on any failure.
 *
 * <p>Usage: java -cp kafka-clients.jar:slf4j-api.jar OldClient.java BOOTSTRAP TOPIC GROUP COUNT
 */
public class OldClient {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0], topic = args[1], group = args[2];
        int count = Integer.parseInt(args[3]);
        System.out.println("version " + AppInfoParser.getVersion());
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
        }
        System.out.println("produced " + count);
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", group);
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) values.add(r.key() + "=" + r.value());
            }
            consumer.commitSync();
            TopicPartition tp = new TopicPartition(topic, 0);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(java.util.Set.of(tp));
            System.out.println("consumed " + String.join(",", values));
            System.out.println("committed " + committed.get(tp).offset());
        }
    }
}
