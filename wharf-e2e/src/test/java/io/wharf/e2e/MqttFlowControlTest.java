package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.broker.alarm.ResourceMonitor;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory and disk alarms, as MQTT clients meet them (RabbitMQ's behaviour): MQTT has no "blocked" packet, so
 * the broker stops reading from connections that publish — nothing they send is handled, their publishes
 * wait in TCP — and reads again when the alarm clears; then every message arrives. Subscribers go on, and
 * a blocked client's keep-alive is not held against it. The alarms are provoked by moving the limits of the
 * running broker, as {@link AmqpFlowControlTest} does.
 */
class MqttFlowControlTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @AfterEach
    void limitsBack() {
        broker.server().resources().setDiskFreeLimitBytes(0);
        broker.server().resources().setMemoryLimitBytes(ResourceMonitor.heapFraction(0.8));
        await(() -> !broker.server().broker().alarms().any());
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(condition.getAsBoolean()).isTrue();
    }

    /** Raises an alarm and waits until the broker's connections have heard of it. */
    private static void raise(Runnable raise) throws InterruptedException {
        raise.run();
        await(() -> broker.server().broker().alarms().any());
        Thread.sleep(300); // each connection hears of it on its own event loop
    }

    private void holdsPublishersBackUntilCleared(Runnable raise, Runnable clear, String topic) throws Exception {
        MqttAsyncClient publisher = new MqttAsyncClient(broker.mqttUri(), "pub-" + topic, new MemoryPersistence());
        var options = MqttClientSupport.v3Options("guest", "guest");
        options.setMaxInflight(100); // Paho's default, 10, would refuse the publishes below before the broker sees them
        publisher.connect(options).waitForCompletion(10_000);
        MqttClient subscriber = MqttClientSupport.v3(broker.get(), "sub-" + topic);
        try {
            Inbox inbox = new Inbox();
            subscriber.subscribe(topic + "/#", 1, inbox);
            publisher.publish(topic + "/t", utf8("before"), 1, false).waitForCompletion(10_000);
            assertThat(inbox.take().payload()).isEqualTo("before");

            raise(raise);
            IMqttDeliveryToken held = null;
            for (int i = 0; i < 20; i++) held = publisher.publish(topic + "/t", utf8("during-" + i), 1, false);
            Thread.sleep(1000);
            assertThat(held.isComplete()).as("no PUBACK while the alarm lasts").isFalse();
            inbox.assertEmpty();
            // The subscriber never published: it is read from, and answered, as before.
            Inbox other = new Inbox();
            subscriber.subscribe(topic + "-other/#", 0, other);

            clear.run();
            held.waitForCompletion(10_000);
            assertThat(inbox.take(20)).extracting(MqttClientSupport.Got::payload).first().isEqualTo("during-0");
            assertThat(publisher.isConnected()).isTrue();
        } finally {
            publisher.disconnectForcibly(0, 1000);
            publisher.close();
            closeQuietly(subscriber);
        }
    }

    @Test
    void aDiskAlarmStopsReadingFromPublishersUntilItClears() throws Exception {
        holdsPublishersBackUntilCleared(
            () -> broker.server().resources().setDiskFreeLimitBytes(Long.MAX_VALUE),
            () -> broker.server().resources().setDiskFreeLimitBytes(0),
            "disk");
    }

    @Test
    void aMemoryAlarmStopsReadingFromPublishersUntilItClears() throws Exception {
        holdsPublishersBackUntilCleared(
            () -> broker.server().resources().setMemoryLimitBytes(1),
            () -> broker.server().resources().setMemoryLimitBytes(Long.MAX_VALUE),
            "memory");
    }

    private static MqttPublishMessage publish(String topic, int packetId, String payload) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
            new MqttPublishVariableHeader(topic, packetId), Unpooled.wrappedBuffer(utf8(payload)));
    }

    private static int packetId(MqttMessage m) { return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId(); }

    @Test
    void aClientThatPublishesDuringAnAlarmIsHeldAfterItsFirstPublishAndItsKeepAliveWaits() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.send(RawMqttClient.connect(MqttVersion.MQTT_3_1_1, "raw-held", true, 1)); // closed after 1.5 s idle
            assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
            raise(() -> broker.server().resources().setDiskFreeLimitBytes(Long.MAX_VALUE));

            raw.send(publish("held/t", 1, "first"));
            MqttMessage ack = raw.receive();
            assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            assertThat(packetId(ack)).as("the publish that met the alarm is handled").isEqualTo(1);
            raw.send(publish("held/t", 2, "second"));
            Thread.sleep(3500); // more than twice the 1.5 s the keep-alive allows
            assertThat(raw.available()).as("neither a PUBACK nor a close while blocked").isZero();

            broker.server().resources().setDiskFreeLimitBytes(0);
            raw.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            MqttMessage second = raw.receive();
            assertThat(second).as("still connected").isNotNull();
            assertThat(second.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            assertThat(packetId(second)).isEqualTo(2);
            assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGRESP);
        }
    }
}
