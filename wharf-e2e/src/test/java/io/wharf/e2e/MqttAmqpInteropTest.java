package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT and AMQP on one broker, as RabbitMQ's MQTT plugin connects them: MQTT publishes go through
 * {@code amq.topic} with {@code /} and {@code .} swapped, MQTT subscriptions are bindings on it.
 */
class MqttAmqpInteropTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static Connection amqp;

    @BeforeAll
    static void start() throws Exception {
        amqp = broker.amqpFactory().newConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        if (amqp != null) amqp.close();
    }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void mqttPublishesReachAnAmqpQueueBoundToAmqTopicWithTheTopicMapped() throws Exception {
        Channel ch = amqp.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, "amq.topic", "sensors.*.temp");
        MqttClient pub = MqttClientSupport.v3(broker.get(), "sensor-k1");
        // QoS 0 first: the PUBACK of the QoS 1 publishes after it means all three were routed.
        pub.publish("sensors/k2/temp", utf8("19.0"), 0, false);
        pub.publish("sensors/k1/humidity", utf8("40"), 1, false);
        pub.publish("sensors/k1/temp", utf8("21.5"), 1, false);

        GetResponse first = ch.basicGet(q, true);
        GetResponse second = ch.basicGet(q, true);

        assertThat(text(first.getBody())).isEqualTo("19.0");
        assertThat(first.getEnvelope().getExchange()).isEqualTo("amq.topic");
        assertThat(first.getEnvelope().getRoutingKey()).isEqualTo("sensors.k2.temp");
        assertThat(first.getProps().getDeliveryMode()).as("QoS 0 is transient").isEqualTo(1);
        assertThat(text(second.getBody())).isEqualTo("21.5");
        assertThat(second.getEnvelope().getRoutingKey()).isEqualTo("sensors.k1.temp");
        assertThat(second.getProps().getDeliveryMode()).as("QoS 1 is persistent").isEqualTo(2);
        assertThat(second.getProps().getHeaders()).containsEntry("x-mqtt-publish-qos", (byte) 1);
        assertThat(ch.basicGet(q, true)).as("humidity did not match").isNull();
        closeQuietly(pub);
        ch.close();
    }

    @Test
    void aDotInAnMqttTopicIsASlashInTheRoutingKey() throws Exception {
        Channel ch = amqp.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, "amq.topic", "v1/2.status");
        MqttClient pub = MqttClientSupport.v3(broker.get(), "dotted");
        pub.publish("v1.2/status", utf8("ok"), 1, false);
        GetResponse got = ch.basicGet(q, true);
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("v1/2.status");
        assertThat(text(got.getBody())).isEqualTo("ok");
        closeQuietly(pub);
        ch.close();
    }

    @Test
    void amqpPublishesToAmqTopicReachMqttSubscribersWithTheRoutingKeyMappedBack() throws Exception {
        MqttClient sub = MqttClientSupport.v3(broker.get(), "alarm-panel");
        Inbox inbox = new Inbox();
        sub.subscribe("alerts/+", 1, inbox);
        Channel ch = amqp.createChannel();
        ch.basicPublish("amq.topic", "alerts.fire", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("fire"));
        ch.basicPublish("amq.topic", "alerts.smoke", null, utf8("smoke"));
        ch.basicPublish("amq.topic", "alerts.door/front", null, utf8("door"));
        ch.basicPublish("amq.topic", "other.fire", null, utf8("not for us"));

        List<Got> got = inbox.take(3);

        assertThat(got).extracting(Got::topic, Got::payload, Got::qos).containsExactly(
            org.assertj.core.groups.Tuple.tuple("alerts/fire", "fire", 1),
            org.assertj.core.groups.Tuple.tuple("alerts/smoke", "smoke", 0),
            org.assertj.core.groups.Tuple.tuple("alerts/door.front", "door", 0));
        ch.basicPublish("amq.topic", "alerts.last", null, utf8("last"));
        assertThat(inbox.take().payload()).as("nothing else came before").isEqualTo("last");
        closeQuietly(sub);
        ch.close();
    }

    @Test
    void mqtt5PropertiesAndAmqpPropertiesCarryAcross() throws Exception {
        Channel ch = amqp.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, "amq.topic", "rpc.requests");
        var v5 = MqttClientSupport.v5(broker.get(), "v5-props");
        Inbox inbox = new Inbox();
        v5.subscribe(new MqttSubscription[] {new MqttSubscription("rpc/replies", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});

        org.eclipse.paho.mqttv5.common.MqttMessage request = new org.eclipse.paho.mqttv5.common.MqttMessage(utf8("ping"));
        request.setQos(1);
        MqttProperties props = new MqttProperties();
        props.setContentType("text/plain");
        props.setResponseTopic("rpc/replies");
        props.setCorrelationData(utf8("req-1"));
        props.setUserProperties(List.of(new UserProperty("site", "north")));
        request.setProperties(props);
        v5.publish("rpc/requests", request);

        GetResponse got = ch.basicGet(q, true);
        AMQP.BasicProperties p = got.getProps();
        assertThat(text(got.getBody())).isEqualTo("ping");
        assertThat(p.getContentType()).isEqualTo("text/plain");
        assertThat(p.getCorrelationId()).isEqualTo("req-1");
        assertThat(p.getReplyTo()).isEqualTo("rpc.replies");
        assertThat(p.getHeaders().get("site")).hasToString("north");

        ch.basicPublish("amq.topic", p.getReplyTo(), new AMQP.BasicProperties.Builder().contentType("application/json")
            .correlationId(p.getCorrelationId()).headers(Map.of("status", "ok")).build(), utf8("{\"pong\":1}"));
        Got reply = inbox.take();
        assertThat(reply.topic()).isEqualTo("rpc/replies");
        assertThat(reply.payload()).isEqualTo("{\"pong\":1}");
        assertThat(reply.v5().getContentType()).isEqualTo("application/json");
        assertThat(text(reply.v5().getCorrelationData())).isEqualTo("req-1");
        assertThat(reply.v5().getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("status", "ok"));
        closeQuietly(v5);
        ch.close();
    }

    @Test
    void qos1IntoADurableAmqpQueueSurvivesTheConsumersAbsenceAndARestart(@TempDir Path own) throws Exception {
        try (WharfTestBroker b = WharfTestBroker.start(own)) {
            try (Connection c = b.amqpFactory().newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("meter-readings", true, false, false, null);
                ch.queueBind("meter-readings", "amq.topic", "meters.#");
            }
            MqttClient pub = MqttClientSupport.v3(b, "meter-7");
            for (int i = 0; i < 5; i++) pub.publish("meters/7/kwh", utf8("reading-" + i), 1, false);
            closeQuietly(pub);

            b.restart();

            try (Connection c = b.amqpFactory().newConnection()) {
                Channel ch = c.createChannel();
                for (int i = 0; i < 5; i++) {
                    GetResponse got = ch.basicGet("meter-readings", true);
                    assertThat(got).as("reading %d", i).isNotNull();
                    assertThat(text(got.getBody())).isEqualTo("reading-" + i);
                }
                assertThat(ch.basicGet("meter-readings", true)).isNull();
            }
        }
    }
}
