package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import io.wharf.server.config.ConfigException;
import io.wharf.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT's bridge to Kafka topics ({@code mqtt.kafka.export}, {@code mqtt.kafka.import}), with the real Kafka
 * consumer and producer on one side and Paho on the other.
 */
class MqttKafkaBridgeTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "mqtt.kafka.export", "sensors/#>readings, factory/+/alarm>alarms, factory/#>alarms, small/#>small",
        "mqtt.kafka.import", "commands, txn-commands");

    @BeforeAll
    static void start() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            // The bridge created "small" at start; its records may be 1 KiB at most.
            admin.incrementalAlterConfigs(Map.of(
                new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "small"),
                List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "1024"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get(10, TimeUnit.SECONDS);
        }
    }

    // ---- MQTT to Kafka ----

    @Test
    void mqttPublishesUnderAnExportedFilterBecomeKafkaRecordsKeyedByTopicWithTheV5PropertiesAsHeaders() throws Exception {
        var pub = MqttClientSupport.v5(broker.get(), "export-props");
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            long from = endOffset(consumer, "readings", 0);
            var m = new org.eclipse.paho.mqttv5.common.MqttMessage(utf8("21.5"));
            m.setQos(1);
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("unit", "celsius"), new UserProperty("unit", "C")));
            props.setContentType("text/plain");
            props.setResponseTopic("replies/k1");
            props.setCorrelationData(new byte[] {0, (byte) 0xFF, 7});
            props.setPayloadFormat(true);
            props.setMessageExpiryInterval(3600L);
            m.setProperties(props);
            pub.publish("sensors/kitchen/temp", m);
            pub.publish("elsewhere/kitchen", new org.eclipse.paho.mqttv5.common.MqttMessage(utf8("not exported")));

            List<ConsumerRecord<byte[], byte[]>> got = read(consumer, "readings", 0, from, 1);
            ConsumerRecord<byte[], byte[]> r = got.get(0);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("sensors/kitchen/temp");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("21.5");
            List<String> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                if (!h.key().equals("mqtt.correlation-data")) headers.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(headers).containsExactly("unit=celsius", "unit=C", "mqtt.content-type=text/plain",
                "mqtt.response-topic=replies/k1", "mqtt.payload-format-indicator=1", "mqtt.message-expiry-interval=3600");
            assertThat(r.headers().lastHeader("mqtt.correlation-data").value()).containsExactly(0, 0xFF, 7);
            // The publish of QoS 1 was acknowledged after the append: the record is in the log, nothing after it.
            assertThat(endOffset(consumer, "readings", 0)).isEqualTo(from + 1);
        } finally {
            closeQuietly(pub);
        }
    }

    @Test
    void aTopicMatchedByTwoFiltersOfOneKafkaTopicIsAppendedOnceAndOneMqttTopicKeepsItsOrderInOnePartition() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "export-order");
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            long from = endOffset(consumer, "alarms", 0);
            for (int i = 0; i < 50; i++) pub.publish("factory/line1/alarm", utf8("a" + i), i % 3, false);
            pub.publish("factory/line1/ok", utf8("only factory/#"), 1, false);
            List<ConsumerRecord<byte[], byte[]>> got = read(consumer, "alarms", 0, from, 51);
            List<String> values = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : got) values.add(new String(r.value(), StandardCharsets.UTF_8));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) expected.add("a" + i);
            expected.add("only factory/#");
            assertThat(values).containsExactlyElementsOf(expected);
            assertThat(endOffset(consumer, "alarms", 0)).isEqualTo(from + 51);
        } finally {
            closeQuietly(pub);
        }
    }

    @Test
    void thousandsOfQos1PublishesWithNoKafkaConsumerAreAllThereWhenOneComes() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "export-backlog");
        int n = 3000;
        long from;
        try (KafkaConsumer<byte[], byte[]> probe = consumer()) {
            from = endOffset(probe, "readings", 0);
        }
        try {
            for (int i = 0; i < n; i++) pub.publish("sensors/bulk/" + (i % 7), utf8(Integer.toString(i)), 1, false);
        } finally {
            closeQuietly(pub);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<ConsumerRecord<byte[], byte[]>> got = read(consumer, "readings", 0, from, n);
            for (int i = 0; i < n; i++) {
                assertThat(new String(got.get(i).value(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i));
                assertThat(new String(got.get(i).key(), StandardCharsets.UTF_8)).isEqualTo("sensors/bulk/" + (i % 7));
            }
        }
    }

    @Test
    void aMessageTheKafkaTopicRefusesIsNotAcknowledgedAsStored() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.send(RawMqttClient.connect(MqttVersion.MQTT_5, "export-refused", true, 60, "guest", "guest"));
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(pubAck(raw, 1, "small/x", new byte[4096])).isEqualTo(0x80); // over max.message.bytes 1024
            // No MQTT subscriber, but the Kafka topic took it: a success, not 0x10 No matching subscribers.
            assertThat(pubAck(raw, 2, "small/x", new byte[16])).isEqualTo(0x00);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            assertThat(endOffset(consumer, "small", 0)).isEqualTo(1);
        }
    }

    @Test
    void aKafkaTopicBothExportedToAndImportedFromIsRefusedAtStart() {
        assertThatThrownBy(() -> ServerConfig.fromMap(Map.of("mqtt.kafka.export", "#>everything",
            "mqtt.kafka.import", "everything")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("both in mqtt.kafka.export");
    }

    // ---- Kafka to MQTT ----

    @Test
    void kafkaRecordsReachMqttSubscribersUnderTheirKeyWithTheirHeadersAsProperties() throws Exception {
        Inbox inbox = new Inbox();
        var sub = MqttClientSupport.v5(broker.get(), "import-sub");
        Connection amqp = broker.amqpFactory().newConnection();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            sub.subscribe(new MqttSubscription[] {new MqttSubscription("devices/+/cmd", 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
            Channel ch = amqp.createChannel();
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, "amq.topic", "devices.*.cmd");
            List<Header> headers = List.of(new RecordHeader("origin", utf8("planner")),
                new RecordHeader("mqtt.content-type", utf8("application/json")),
                new RecordHeader("mqtt.correlation-data", new byte[] {1, 2, 3}));
            producer.send(new ProducerRecord<>("commands", null, utf8("devices/d1/cmd"), utf8("{\"on\":true}"), headers)).get();
            producer.send(new ProducerRecord<>("commands", null, utf8("devices/d2/cmd"), utf8("second"))).get();
            producer.send(new ProducerRecord<>("commands", null, null, utf8("no key: skipped"))).get();
            producer.send(new ProducerRecord<>("commands", null, utf8("devices/+/cmd"), utf8("a wildcard key: skipped"))).get();
            producer.send(new ProducerRecord<>("commands", null, utf8("devices/d1/other"), utf8("not subscribed"))).get();
            producer.send(new ProducerRecord<>("commands", null, utf8("devices/d3/cmd"), utf8("third"))).get();

            List<Got> got = inbox.take(3);
            assertThat(got).extracting(Got::topic).containsExactly("devices/d1/cmd", "devices/d2/cmd", "devices/d3/cmd");
            assertThat(got).extracting(Got::payload).containsExactly("{\"on\":true}", "second", "third");
            assertThat(got).extracting(Got::qos).containsOnly(1);
            MqttProperties p = got.get(0).v5();
            assertThat(p.getContentType()).isEqualTo("application/json");
            assertThat(p.getCorrelationData()).containsExactly(1, 2, 3);
            assertThat(p.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("origin", "planner"));
            List<String> amqpGot = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                GetResponse r = awaitGet(ch, q);
                amqpGot.add(r.getEnvelope().getRoutingKey() + "=" + new String(r.getBody(), StandardCharsets.UTF_8));
            }
            assertThat(amqpGot).containsExactly("devices.d1.cmd={\"on\":true}", "devices.d2.cmd=second", "devices.d3.cmd=third");
            inbox.assertEmpty();
        } finally {
            closeQuietly(sub);
            amqp.close();
        }
    }

    @Test
    void recordsOfAbortedTransactionsNeverReachMqttAndCommittedOnesDo() throws Exception {
        Inbox inbox = new Inbox();
        MqttClient sub = MqttClientSupport.v3(broker.get(), "import-txn");
        Properties p = broker.clientProperties();
        p.put("transactional.id", "bridge-txn");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            sub.subscribe("txn/#", 1, inbox);
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-commands", utf8("txn/a"), utf8("aborted-1")));
            producer.send(new ProducerRecord<>("txn-commands", utf8("txn/a"), utf8("aborted-2")));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-commands", utf8("txn/a"), utf8("committed")));
            producer.commitTransaction();
            Got g = inbox.take();
            assertThat(g.payload()).isEqualTo("committed");
            inbox.assertEmpty();
        } finally {
            closeQuietly(sub);
        }
    }

    @Test
    void anImportResumesWhereItWasAfterARestartAndCarriesWhatWasAppendedWhileItWasNotFollowing(@TempDir Path own)
        throws Exception {
        String[] bridge = {"mqtt.kafka.import", "resume"};
        Inbox inbox = new Inbox();
        // First start: the feed begins at the (empty) log end and stores that position; a persistent session
        // subscribes and goes away.
        WharfTestBroker b = WharfTestBroker.start(own, bridge);
        MqttClient sub = persistent(b, inbox);
        sub.disconnect();
        sub.close();
        b.close();
        // A start without the import: records appended now are not followed...
        b = WharfTestBroker.start(own);
        try (KafkaProducer<byte[], byte[]> producer = producer(b)) {
            for (int i = 0; i < 3; i++) producer.send(new ProducerRecord<>("resume", utf8("resume/t"), utf8("away-" + i))).get();
        }
        b.close();
        try {
            // ...the next start with it hands them on from the stored position, into the waiting session's queue.
            b = WharfTestBroker.start(own, bridge);
            sub = persistent(b, inbox);
            try (KafkaProducer<byte[], byte[]> producer = producer(b)) {
                producer.send(new ProducerRecord<>("resume", utf8("resume/t"), utf8("after"))).get();
            }
            assertThat(inbox.take(4)).extracting(Got::payload).containsExactly("away-0", "away-1", "away-2", "after");
            sub.disconnect();
            sub.close();
            b.close();
            // A restart does not hand on again what was handed on before it.
            b = WharfTestBroker.start(own, bridge);
            sub = persistent(b, inbox);
            try (KafkaProducer<byte[], byte[]> producer = producer(b)) {
                producer.send(new ProducerRecord<>("resume", utf8("resume/t"), utf8("last"))).get();
            }
            List<String> fresh = new ArrayList<>();
            Got g;
            do {
                g = inbox.take();
                if (!g.dup()) fresh.add(g.payload()); // a DUP is the session redelivering an unacknowledged message
            } while (!g.payload().equals("last"));
            assertThat(fresh).containsExactly("last");
        } finally {
            closeQuietly(sub);
            b.close();
        }
    }

    /** The persistent session "resume-sub", subscribed to resume/# at QoS 1. */
    private static MqttClient persistent(WharfTestBroker b, Inbox inbox) throws Exception {
        MqttClient c = new MqttClient(b.mqttUri(), "resume-sub", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var o = MqttClientSupport.v3Options("guest", "guest");
        o.setCleanSession(false);
        MqttClientSupport.callbackInto(c, inbox);
        c.connect(o);
        c.subscribe("resume/#", 1, inbox);
        return c;
    }

    // ---- helpers ----

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = broker.clientProperties();
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return producer(broker.get());
    }

    private static KafkaProducer<byte[], byte[]> producer(WharfTestBroker b) {
        return new KafkaProducer<>(b.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static long endOffset(KafkaConsumer<byte[], byte[]> consumer, String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
    }

    /** {@code n} records of the partition from {@code from}, waiting up to 20 s for them. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                            int partition, long from, int n) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (out.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) out.add(r);
        }
        assertThat(out).as("records of %s from %d", tp, from).hasSize(n);
        return out;
    }

    private static GetResponse awaitGet(Channel ch, String queue) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) == null && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(r).as("a message in %s", queue).isNotNull();
        return r;
    }

    private static int pubAck(RawMqttClient raw, int packetId, String topic, byte[] payload) throws Exception {
        raw.send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
            new MqttPublishVariableHeader(topic, packetId), Unpooled.wrappedBuffer(payload)));
        MqttMessage m = raw.receive();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        return ((MqttPubReplyMessageVariableHeader) m.variableHeader()).reasonCode() & 0xFF;
    }
}
