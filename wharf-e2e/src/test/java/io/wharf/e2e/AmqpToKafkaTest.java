package io.wharf.e2e;

import static io.wharf.e2e.AmqpClientSupport.utf8;
import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exchange bound to a Kafka topic ({@code x-kafka}): what AMQP publishers send through it, Kafka consumers
 * read as records — with RabbitMQ's Java client on one side and kafka-clients on the other.
 */
class AmqpToKafkaTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        connection = broker.amqpFactory().newConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) connection.close();
    }

    @Test
    void messagesRoutedThroughAmqTopicBecomeRecordsAKafkaConsumerReads() throws Exception {
        createTopic(broker.get(), "sensors", 3, Map.of());
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("to-kafka", "x-kafka", false, false, Map.of("x-kafka-topic", "sensors"));
        ch.exchangeBind("to-kafka", "amq.topic", "sensors.#");
        ch.confirmSelect();
        String[] rooms = {"sensors.kitchen", "sensors.garage", "sensors.attic", "sensors.hall"};
        long before = System.currentTimeMillis();
        for (int i = 0; i < 40; i++) {
            String key = rooms[i % rooms.length];
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("site", "berlin");
            headers.put("seq", i);
            headers.put("calibrated", i % 2 == 0);
            headers.put("nested", Map.of("dropped", 1)); // a table has no one text form: left out
            AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().headers(headers)
                .contentType("text/plain").correlationId("c-" + i).messageId("m-" + i);
            if (i % 4 == 0) props.timestamp(new Date(1_600_000_000_000L + i * 1000L));
            ch.basicPublish("amq.topic", key, props.build(), utf8(key + " reading " + i));
            if (i % 10 == 9) ch.basicPublish("amq.topic", "weather.today", null, utf8("not for Kafka"));
        }
        ch.waitForConfirmsOrDie(15_000);
        long after = System.currentTimeMillis();

        List<ConsumerRecord<String, String>> records = readAll("sensors", 3, 40);
        assertThat(records).hasSize(40);
        Map<String, List<Integer>> partitionsByKey = new TreeMap<>();
        Map<String, List<Integer>> seqByKey = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            int i = Integer.parseInt(r.value().substring(r.value().lastIndexOf(' ') + 1));
            assertThat(r.key()).isEqualTo(rooms[i % rooms.length]);
            assertThat(r.value()).isEqualTo(r.key() + " reading " + i);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("site", "berlin");
            expected.put("seq", String.valueOf(i));
            expected.put("calibrated", String.valueOf(i % 2 == 0));
            expected.put("amqp.content-type", "text/plain");
            expected.put("amqp.correlation-id", "c-" + i);
            expected.put("amqp.message-id", "m-" + i);
            // An AMQP table is unordered (the client decodes it into a HashMap): compare as a map.
            assertThat(headers(r)).as("headers of %d", i).containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(r.headers().toArray()).hasSize(expected.size());
            assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            if (i % 4 == 0) {
                assertThat(r.timestamp()).isEqualTo(1_600_000_000_000L + i * 1000L);
            } else {
                assertThat(r.timestamp()).isBetween(before, after);
            }
            partitionsByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.partition());
            seqByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(i);
        }
        for (String room : rooms) {
            // Kafka's default partitioner would put the key exactly there.
            int kafkasChoice = Utils.toPositive(Utils.murmur2(utf8(room))) % 3;
            assertThat(partitionsByKey.get(room)).as(room).hasSize(10).containsOnly(kafkasChoice);
            List<Integer> inOrder = new ArrayList<>();
            for (int i = 0; i < 40; i++) if (rooms[i % rooms.length].equals(room)) inOrder.add(i);
            assertThat(seqByKey.get(room)).as("publish order of %s", room).isEqualTo(inOrder);
        }
    }

    @Test
    void directPublishesUnderConfirmsAreAllAckedAtContiguousOffsets() throws Exception {
        createTopic(broker.get(), "direct-kafka", 2, Map.of());
        Channel ch = connection.createChannel();
        // No x-kafka-topic: the exchange's own name is the topic.
        ch.exchangeDeclare("direct-kafka", "x-kafka");
        Confirms confirms = Confirms.on(ch);
        for (int i = 0; i < 200; i++) ch.basicPublish("direct-kafka", "", null, utf8("m" + i));
        assertThat(ch.waitForConfirms(15_000)).isTrue();
        assertThat(confirms.outcomes()).hasSize(200).doesNotContainValue("nack");

        List<ConsumerRecord<String, String>> records = readAll("direct-kafka", 2, 200);
        Map<Integer, List<Long>> offsets = new TreeMap<>();
        Map<Integer, List<String>> values = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            assertThat(r.key()).isNull();
            offsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
            values.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
        }
        // Without a key, round-robin: even publishes in partition 0, odd ones in 1, each at offsets 0..99.
        List<Long> contiguous = new ArrayList<>();
        List<String> even = new ArrayList<>();
        List<String> odd = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            contiguous.add((long) i);
            even.add("m" + 2 * i);
            odd.add("m" + (2 * i + 1));
        }
        assertThat(offsets).containsOnlyKeys(0, 1).containsEntry(0, contiguous).containsEntry(1, contiguous);
        assertThat(values).containsEntry(0, even).containsEntry(1, odd);
    }

    @Test
    void declarationsAndBindingsAreCheckedAsRabbitMqChecksArguments() throws Exception {
        createTopic(broker.get(), "checked", 1, Map.of());
        AMQP.Channel.Close missing = AmqpClientSupport.channelClose(connection, c ->
            c.exchangeDeclare("to-nowhere", "x-kafka", true, false, Map.of("x-kafka-topic", "sensors-missing")));
        assertThat(missing.getReplyCode()).isEqualTo(404);
        assertThat(missing.getReplyText())
            .isEqualTo("NOT_FOUND - no Kafka topic 'sensors-missing' for exchange 'to-nowhere' in vhost '/'");
        AMQP.Channel.Close byName = AmqpClientSupport.channelClose(connection, c -> c.exchangeDeclare("no-such-topic", "x-kafka"));
        assertThat(byName.getReplyText())
            .isEqualTo("NOT_FOUND - no Kafka topic 'no-such-topic' for exchange 'no-such-topic' in vhost '/'");
        AMQP.Channel.Close notString = AmqpClientSupport.channelClose(connection, c ->
            c.exchangeDeclare("to-number", "x-kafka", false, false, Map.of("x-kafka-topic", 42)));
        assertThat(notString.getReplyCode()).isEqualTo(406);
        assertThat(notString.getReplyText()).isEqualTo("PRECONDITION_FAILED - invalid arg 'x-kafka-topic' for exchange "
            + "'to-number' in vhost '/': expected a string (longstr), got 42");
        AMQP.Channel.Close internal = AmqpClientSupport.channelClose(connection, c ->
            c.exchangeDeclare("to-offsets", "x-kafka", false, false, Map.of("x-kafka-topic", "__consumer_offsets")));
        assertThat(internal.getReplyCode()).isEqualTo(403);

        Channel ch = connection.createChannel();
        ch.exchangeDeclare("checked-x", "x-kafka", false, false, Map.of("x-kafka-topic", "checked"));
        ch.exchangeDeclare("checked-x", "x-kafka", false, false, Map.of("x-kafka-topic", "checked")); // equivalent
        createTopic(broker.get(), "checked-other", 1, Map.of());
        AMQP.Channel.Close other = AmqpClientSupport.channelClose(connection, c ->
            c.exchangeDeclare("checked-x", "x-kafka", false, false, Map.of("x-kafka-topic", "checked-other")));
        assertThat(other.getReplyCode()).isEqualTo(406);
        assertThat(other.getReplyText()).isEqualTo("PRECONDITION_FAILED - inequivalent arg 'x-kafka-topic' for exchange "
            + "'checked-x' in vhost '/': received 'checked-other' but current is 'checked'");

        // Bound to, yes; bound from, no: it routes nothing on.
        ch.exchangeBind("checked-x", "amq.direct", "k");
        ch.queueDeclare("checked-q", false, false, true, null);
        AMQP.Channel.Close fromQueue = AmqpClientSupport.channelClose(connection, c -> c.queueBind("checked-q", "checked-x", "k"));
        assertThat(fromQueue.getReplyCode()).isEqualTo(406);
        assertThat(fromQueue.getReplyText()).isEqualTo("PRECONDITION_FAILED - binding invalid: exchange 'checked-x' in "
            + "vhost '/' is of type 'x-kafka': it appends every message to Kafka topic 'checked' and cannot be the "
            + "source of a binding (to queue 'checked-q')");
        AMQP.Channel.Close fromExchange = AmqpClientSupport.channelClose(connection, c ->
            c.exchangeBind("amq.fanout", "checked-x", "k"));
        assertThat(fromExchange.getReplyCode()).isEqualTo(406);
    }

    @Test
    void aDurableKafkaExchangeAndItsBindingSurviveARestart(@TempDir Path own) throws Exception {
        try (WharfTestBroker restarted = WharfTestBroker.start(own)) {
            createTopic(restarted, "kept", 1, Map.of());
            try (Connection c = restarted.amqpFactory().newConnection()) {
                Channel ch = c.createChannel();
                ch.exchangeDeclare("kept-x", "x-kafka", true, false, Map.of("x-kafka-topic", "kept"));
                ch.exchangeBind("kept-x", "amq.topic", "kept.#");
                ch.confirmSelect();
                ch.basicPublish("amq.topic", "kept.before", null, utf8("before"));
                ch.waitForConfirmsOrDie(15_000);
            }
            restarted.restart();
            try (Connection c = restarted.amqpFactory().newConnection()) {
                Channel ch = c.createChannel();
                ch.exchangeDeclarePassive("kept-x");
                // The topic argument came back as it was declared: an equivalent redeclaration passes.
                ch.exchangeDeclare("kept-x", "x-kafka", true, false, Map.of("x-kafka-topic", "kept"));
                ch.confirmSelect();
                ch.basicPublish("amq.topic", "kept.after", null, utf8("after"));
                ch.waitForConfirmsOrDie(15_000);
            }
            try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(restarted)) {
                TopicPartition tp = new TopicPartition("kept", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> got = new ArrayList<>();
                for (ConsumerRecord<String, String> r : ProduceFetchSupport.poll(consumer, 2, Duration.ofSeconds(15))) {
                    got.add(r.offset() + " " + r.key() + " " + r.value());
                }
                assertThat(got).containsExactly("0 kept.before before", "1 kept.after after");
            }
        }
    }

    @Test
    void aMandatoryMessageAKafkaExchangeTakesIsNotReturned() throws Exception {
        createTopic(broker.get(), "mandatory-kafka", 1, Map.of());
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("mandatory-x", "x-kafka", false, false, Map.of("x-kafka-topic", "mandatory-kafka"));
        ch.exchangeDeclare("mandatory-front", "direct");
        ch.exchangeBind("mandatory-x", "mandatory-front", "to-kafka");
        BlockingQueue<String> returned = new LinkedBlockingQueue<>();
        ch.addReturnListener(r -> returned.add(r.getReplyCode() + " " + r.getExchange() + " " + r.getRoutingKey()));
        ch.confirmSelect();
        ch.basicPublish("mandatory-x", "direct", true, null, utf8("straight in"));
        ch.basicPublish("mandatory-front", "to-kafka", true, null, utf8("through a binding"));
        // A control that is unroutable, published last: once it is back, the two before it would have been too.
        ch.basicPublish("mandatory-front", "elsewhere", true, null, utf8("unroutable"));
        assertThat(returned.poll(15, TimeUnit.SECONDS)).isEqualTo("312 mandatory-front elsewhere");
        assertThat(ch.waitForConfirms(15_000)).isTrue();
        assertThat(returned).isEmpty();
        assertThat(readAll("mandatory-kafka", 1, 2)).extracting(ConsumerRecord::value)
            .containsExactly("straight in", "through a binding");
    }

    @Test
    void aMessageOverTheTopicsMaxMessageBytesIsNackedAndTheChannelStaysUsable() throws Exception {
        createTopic(broker.get(), "small-records", 1, Map.of("max.message.bytes", "1024"));
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("small-x", "x-kafka", false, false, Map.of("x-kafka-topic", "small-records"));
        Confirms confirms = Confirms.on(ch);
        ch.basicPublish("small-x", "k", null, utf8("small one"));
        ch.basicPublish("small-x", "k", null, new byte[4000]);
        ch.basicPublish("small-x", "k", null, utf8("small two"));
        assertThat(ch.waitForConfirms(15_000)).as("not every publish was acked").isFalse();
        assertThat(confirms.outcomes()).containsExactlyEntriesOf(new TreeMap<>(Map.of(1L, "ack", 2L, "nack", 3L, "ack")));

        assertThat(ch.isOpen()).isTrue();
        ch.basicPublish("small-x", "k", null, utf8("small three"));
        assertThat(ch.waitForConfirms(15_000)).isTrue();
        assertThat(confirms.outcomes()).containsEntry(4L, "ack");
        assertThat(readAll("small-records", 1, 3)).extracting(r -> r.offset() + " " + r.value())
            .containsExactly("0 small one", "1 small two", "2 small three");
    }

    @Test
    void aRejectedMessageIsDeadLetteredIntoKafka() throws Exception {
        createTopic(broker.get(), "dead-letters", 1, Map.of());
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("dead-to-kafka", "x-kafka", false, false, Map.of("x-kafka-topic", "dead-letters"));
        ch.queueDeclare("dl-source", false, false, true, Map.of("x-dead-letter-exchange", "dead-to-kafka"));
        ch.basicPublish("", "dl-source", new AMQP.BasicProperties.Builder().messageId("order-7").build(), utf8("bad order"));
        GetResponse got = ch.basicGet("dl-source", false);
        ch.basicReject(got.getEnvelope().getDeliveryTag(), false);
        // basic.reject has no reply: wait for the record, then check it is the only one.
        firstRecord("dead-letters");
        ConsumerRecord<String, String> r = readAll("dead-letters", 1, 1).get(0);
        assertThat(r.key()).isEqualTo("dl-source");
        assertThat(r.value()).isEqualTo("bad order");
        // The dead-lettered copy's properties: x-death (an array) is left out, its text siblings are not.
        assertThat(headers(r)).containsEntry("amqp.message-id", "order-7")
            .containsEntry("x-first-death-reason", "rejected").containsEntry("x-first-death-queue", "dl-source")
            .doesNotContainKey("x-death");
    }

    /** The first record of partition 0 of {@code topic}, waiting for it to arrive. */
    private static ConsumerRecord<String, String> firstRecord(String topic) {
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(broker.get())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            return ProduceFetchSupport.poll(consumer, 1, Duration.ofSeconds(15)).get(0);
        }
    }

    /** Every record of {@code topic}, which must hold exactly {@code count}, in partition then offset order. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int partitions, int count) {
        try (KafkaConsumer<String, String> consumer = ProduceFetchSupport.consumer(broker.get())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(topic, p));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long end = consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
            assertThat(end).as("records in %s", topic).isEqualTo(count);
            List<ConsumerRecord<String, String>> records = new ArrayList<>(
                ProduceFetchSupport.poll(consumer, count, Duration.ofSeconds(15)));
            records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        return out;
    }

    /** Each publish's confirm as the broker sent it: "ack" or "nack", by sequence number. */
    private static final class Confirms implements ConfirmListener {
        private final ConcurrentSkipListMap<Long, String> outcomes = new ConcurrentSkipListMap<>();

        static Confirms on(Channel ch) throws Exception {
            ch.confirmSelect();
            Confirms c = new Confirms();
            ch.addConfirmListener(c);
            return c;
        }

        Map<Long, String> outcomes() { return outcomes; }

        @Override
        public void handleAck(long tag, boolean multiple) { record(tag, multiple, "ack"); }

        @Override
        public void handleNack(long tag, boolean multiple) { record(tag, multiple, "nack"); }

        private void record(long tag, boolean multiple, String outcome) {
            // A multiple confirm settles every earlier publish not settled yet.
            long from = multiple ? 1 : tag;
            for (long t = from; t <= tag; t++) outcomes.putIfAbsent(t, outcome);
        }
    }
}
