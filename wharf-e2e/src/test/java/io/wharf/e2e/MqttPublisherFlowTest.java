package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.queue.MessageQueue;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flow control from subscribers back to publishers ({@code mqtt.flow.backlog.messages}): a publisher faster than
 * a connected subscriber is no longer read while the subscriber's queue holds more than the bound, so the
 * backlog stays near it, and every message still arrives, in order — nothing is dropped. A publisher whose
 * messages go to other subscribers is not slowed, and a queue nobody is connected to (an offline persistent
 * session) holds nobody back. The slow subscriber is a Paho client whose callback waits: Paho then stops reading
 * its socket, and the broker can send it no more than its in-flight window.
 */
class MqttPublisherFlowTest {
    private static final int BOUND = 100;
    /**
     * How far past the bound the backlog may go: a publisher is checked after each PUBLISH against the backlog
     * of the queue's last append, and what one socket read brought (64 KiB: 64 of these messages) is still
     * handled after reading stops; twice that, for a read in progress when the backlog is published.
     */
    private static final int OVERSHOOT = 128;
    private static final int PAYLOAD = 1024;

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "mqtt.flow.backlog.messages", Integer.toString(BOUND));

    private static MessageQueue sessionQueue(String clientId) {
        return broker.server().broker().vhosts().get("/").orElseThrow().queue("mqtt-subscription-" + clientId).queue();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[PAYLOAD];
        java.util.Arrays.fill(b, (byte) 'x');
        byte[] n = String.format("%06d", i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, b, 0, n.length);
        return b;
    }

    private static int index(Got g) { return Integer.parseInt(g.payload().substring(0, 6)); }

    private static MqttAsyncClient publisher(String clientId, int inFlight) throws Exception {
        MqttAsyncClient p = new MqttAsyncClient(broker.mqttUri(), clientId, new MemoryPersistence());
        var options = MqttClientSupport.v3Options("guest", "guest");
        options.setMaxInflight(inFlight);
        p.connect(options).waitForCompletion(10_000);
        return p;
    }

    private static List<IMqttDeliveryToken> publishAll(MqttAsyncClient p, String topic, int n) throws Exception {
        List<IMqttDeliveryToken> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) tokens.add(p.publish(topic, payload(i), 1, false));
        return tokens;
    }

    private static void assertInOrder(List<Got> got, int n) {
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) assertThat(index(got.get(i))).as("message %d", i).isEqualTo(i);
    }

    @Test
    void aSlowSubscriberHoldsItsPublisherBackNearTheBoundWithoutSlowingOthersAndLosesNothing() throws Exception {
        int n = 3000;
        CountDownLatch gate = new CountDownLatch(1);
        Inbox slowInbox = new Inbox();
        MqttClient slow = MqttClientSupport.v3(broker.get(), "flow-slow-sub");
        MqttClient fast = MqttClientSupport.v3(broker.get(), "flow-fast-sub");
        MqttAsyncClient slowPublisher = publisher("flow-slow-pub", n);
        MqttAsyncClient fastPublisher = publisher("flow-fast-pub", 1000);
        try {
            slow.subscribe("flow/slow/#", 1, (topic, m) -> {
                gate.await();
                slowInbox.messageArrived(topic, m);
            });
            Inbox fastInbox = new Inbox();
            fast.subscribe("flow/fast/#", 1, fastInbox);
            MessageQueue slowQueue = sessionQueue("flow-slow-sub");

            List<IMqttDeliveryToken> held = publishAll(slowPublisher, "flow/slow/t", n);
            await(() -> slowQueue.messageCount() > BOUND, "the slow subscriber's queue passes the bound");
            long most = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until) {
                most = Math.max(most, slowQueue.messageCount());
                Thread.sleep(2);
            }
            assertThat(most).as("the backlog while the subscriber takes nothing").isLessThanOrEqualTo(BOUND + OVERSHOOT);
            assertThat(held.get(n - 1).isComplete()).as("the publisher is held back, not finished").isFalse();

            // Another publisher, to another subscriber, goes at its own pace meanwhile.
            List<IMqttDeliveryToken> other = publishAll(fastPublisher, "flow/fast/t", 500);
            assertInOrder(fastInbox.take(500), 500);
            for (IMqttDeliveryToken t : other) t.waitForCompletion(10_000);
            assertThat(held.get(n - 1).isComplete()).as("the slow one is still held").isFalse();
            assertThat(slowQueue.messageCount()).isLessThanOrEqualTo(BOUND + OVERSHOOT);

            gate.countDown();
            assertInOrder(slowInbox.take(n), n);
            held.get(n - 1).waitForCompletion(10_000);
            slowInbox.assertEmpty();
        } finally {
            gate.countDown();
            for (MqttAsyncClient p : List.of(slowPublisher, fastPublisher)) {
                p.disconnectForcibly(0, 1000);
                p.close();
            }
            closeQuietly(slow, fast);
        }
    }

    @Test
    void anOfflinePersistentSessionDoesNotHoldItsPublisherBack() throws Exception {
        int n = 10 * BOUND;
        var persistent = MqttClientSupport.v3Options("guest", "guest");
        persistent.setCleanSession(false);
        MqttClient offline = new MqttClient(broker.mqttUri(), "flow-offline-sub", new MemoryPersistence());
        offline.connect(persistent);
        offline.subscribe("flow/offline/#", 1);
        offline.disconnect();
        MqttAsyncClient publisher = publisher("flow-offline-pub", n);
        try {
            List<IMqttDeliveryToken> tokens = publishAll(publisher, "flow/offline/t", n);
            for (IMqttDeliveryToken t : tokens) t.waitForCompletion(10_000);
            assertThat(sessionQueue("flow-offline-sub").messageCount()).isEqualTo(n);

            Inbox inbox = MqttClientSupport.callbackInbox(offline);
            offline.connect(persistent);
            assertInOrder(inbox.take(n), n);
        } finally {
            publisher.disconnectForcibly(0, 1000);
            publisher.close();
            closeQuietly(offline);
        }
    }
}
