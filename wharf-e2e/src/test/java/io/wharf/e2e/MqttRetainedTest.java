package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retained messages with Paho v3 and v5: delivered on subscribe, replaced, cleared, kept across a restart, and the
 * MQTT 5 options Retain Handling and Retain As Published. To show that nothing else arrived, a test publishes a
 * plain marker message after what it expects and checks the marker comes next.
 */
class MqttRetainedTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("mqtt.sys.interval.seconds", "0");

    private static void retain(MqttClient c, String topic, String payload, int qos) throws Exception {
        c.publish(topic, utf8(payload), qos, true);
    }

    /** Publishes a plain marker to {@code topic} and checks it is what {@code inbox} gets next. */
    private static void nextIsMarker(MqttClient publisher, Inbox inbox, String topic) throws Exception {
        publisher.publish(topic, utf8("marker"), 1, false);
        Got g = inbox.take();
        assertThat(g.payload()).isEqualTo("marker");
        assertThat(g.retained()).isFalse();
    }

    private static org.eclipse.paho.mqttv5.client.MqttClient v5(String id) throws Exception {
        return MqttClientSupport.v5(broker.get(), id);
    }

    private static void subscribe(org.eclipse.paho.mqttv5.client.MqttClient c, MqttSubscription s, Inbox inbox)
        throws Exception {
        c.subscribe(new MqttSubscription[] {s}, new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox})
            .waitForCompletion(10_000);
    }

    private static void retain5(org.eclipse.paho.mqttv5.client.MqttClient c, String topic, String payload, int qos,
                                Long expirySeconds) throws Exception {
        MqttMessage m = new MqttMessage(utf8(payload));
        m.setQos(qos);
        m.setRetained(true);
        if (expirySeconds != null) {
            MqttProperties p = new MqttProperties();
            p.setMessageExpiryInterval(expirySeconds);
            m.setProperties(p);
        }
        c.publish(topic, m);
    }

    @Test
    void aNewSubscriberGetsTheRetainedMessageWithRetainSetAtTheLowerOfBothQos() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "ret-pub-1");
        MqttClient low = MqttClientSupport.v3(broker.get(), "ret-sub-1a");
        MqttClient high = MqttClientSupport.v3(broker.get(), "ret-sub-1b");
        try {
            retain(pub, "r1/kitchen/temp", "21.5", 1);
            Inbox atQos0 = new Inbox();
            low.subscribe("r1/+/temp", 0, atQos0);
            Got g = atQos0.take();
            assertThat(g).extracting(Got::topic, Got::payload, Got::qos, Got::retained)
                .containsExactly("r1/kitchen/temp", "21.5", 0, true);
            nextIsMarker(pub, atQos0, "r1/kitchen/temp");

            Inbox atQos2 = new Inbox();
            high.subscribe("r1/#", 2, atQos2);
            assertThat(atQos2.take()).extracting(Got::payload, Got::qos, Got::retained).containsExactly("21.5", 1, true);
            nextIsMarker(pub, atQos2, "r1/x");
        } finally {
            closeQuietly(pub, low, high);
        }
    }

    @Test
    void aRetainedPublishReplacesTheLastAndAnEmptyOneClearsItButStillReachesSubscribers() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "ret-pub-2");
        MqttClient live = MqttClientSupport.v3(broker.get(), "ret-live-2");
        MqttClient late = MqttClientSupport.v3(broker.get(), "ret-late-2");
        try {
            retain(pub, "r2/door", "open", 1);
            retain(pub, "r2/door", "closed", 1);
            Inbox first = new Inbox();
            late.subscribe("r2/door", 1, first);
            assertThat(first.take()).extracting(Got::payload, Got::retained).containsExactly("closed", true);
            nextIsMarker(pub, first, "r2/door");
            late.unsubscribe("r2/door");

            Inbox liveInbox = new Inbox();
            live.subscribe("r2/#", 1, liveInbox);
            assertThat(liveInbox.take().payload()).isEqualTo("closed");
            retain(pub, "r2/door", "", 1);
            Got cleared = liveInbox.take();
            assertThat(cleared).extracting(Got::topic, Got::payload, Got::retained).containsExactly("r2/door", "", false);

            Inbox after = new Inbox();
            late.subscribe("r2/door", 1, after);
            nextIsMarker(pub, after, "r2/door");
        } finally {
            closeQuietly(pub, live, late);
        }
    }

    @Test
    void eachMatchingFilterOfASubscribeGetsTheRetainedMessageAndDollarTopicsOnlyLiteralOnes() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "ret-pub-3");
        MqttClient sub = MqttClientSupport.v3(broker.get(), "ret-sub-3");
        MqttClient wild = MqttClientSupport.v3(broker.get(), "ret-wild-3");
        try {
            retain(pub, "r3a/x", "x", 1);
            // Through the client callback: Paho hands a message to every listener whose filter matches it.
            Inbox inbox = MqttClientSupport.callbackInbox(sub);
            sub.subscribe(new String[] {"r3a/#", "r3a/+"}, new int[] {1, 0});
            List<Got> got = inbox.take(2);
            assertThat(got).extracting(Got::payload, Got::retained).containsOnly(org.assertj.core.groups.Tuple.tuple("x", true));
            assertThat(got).extracting(Got::qos).containsExactlyInAnyOrder(0, 1);
            nextIsMarker(pub, inbox, "r3a/x");

            retain(pub, "r3b/status", "ok", 1);
            retain(pub, "$r3b/status", "up", 1);
            Inbox wildcard = new Inbox();
            wild.subscribe("+/status", 1, wildcard);
            assertThat(wildcard.take()).extracting(Got::topic, Got::payload).containsExactly("r3b/status", "ok");
            nextIsMarker(pub, wildcard, "r3b/status");
            Inbox dollar = new Inbox();
            wild.subscribe("$r3b/+", 1, dollar);
            assertThat(dollar.take()).extracting(Got::topic, Got::payload, Got::retained)
                .containsExactly("$r3b/status", "up", true);
        } finally {
            closeQuietly(pub, sub, wild);
        }
    }

    @Test
    void retainAsPublishedKeepsTheFlagForLiveSubscribersWhoAskElseItIsCleared() throws Exception {
        var pub = v5("ret-pub-4");
        var plain = v5("ret-plain-4");
        var asPublished = v5("ret-rap-4");
        try {
            Inbox plainInbox = new Inbox();
            subscribe(plain, new MqttSubscription("r4/t", 1), plainInbox);
            Inbox rapInbox = new Inbox();
            MqttSubscription rap = new MqttSubscription("r4/t", 1);
            rap.setRetainAsPublished(true);
            subscribe(asPublished, rap, rapInbox);
            retain5(pub, "r4/t", "v1", 1, null);
            assertThat(plainInbox.take()).extracting(Got::payload, Got::retained).containsExactly("v1", false);
            assertThat(rapInbox.take()).extracting(Got::payload, Got::retained).containsExactly("v1", true);
            pub.publish("r4/t", utf8("not retained"), 1, false);
            assertThat(rapInbox.take()).extracting(Got::payload, Got::retained).containsExactly("not retained", false);
        } finally {
            closeQuietly(pub, plain, asPublished);
        }
    }

    @Test
    void retainHandlingSendsOnEverySubscribeOnlyOnANewOneOrNever() throws Exception {
        var pub = v5("ret-pub-5");
        var sub = v5("ret-sub-5");
        try {
            retain5(pub, "r5/t", "kept", 1, null);
            Inbox always = new Inbox();
            subscribe(sub, new MqttSubscription("r5/t", 1), always);
            assertThat(always.take()).extracting(Got::payload, Got::retained).containsExactly("kept", true);
            subscribe(sub, new MqttSubscription("r5/t", 1), always); // handling 0: again on a re-subscribe
            assertThat(always.take()).extracting(Got::payload, Got::retained).containsExactly("kept", true);
            sub.unsubscribe("r5/t");

            Inbox ifNew = new Inbox();
            MqttSubscription handling1 = new MqttSubscription("r5/t", 1);
            handling1.setRetainHandling(1);
            subscribe(sub, handling1, ifNew);
            assertThat(ifNew.take()).extracting(Got::payload, Got::retained).containsExactly("kept", true);
            subscribe(sub, handling1, ifNew); // it exists now: nothing
            pub.publish("r5/t", utf8("marker"), 1, false);
            assertThat(ifNew.take().payload()).isEqualTo("marker");
            sub.unsubscribe("r5/t");

            Inbox never = new Inbox();
            MqttSubscription handling2 = new MqttSubscription("r5/t", 1);
            handling2.setRetainHandling(2);
            subscribe(sub, handling2, never);
            pub.publish("r5/t", utf8("marker"), 1, false);
            assertThat(never.take().payload()).isEqualTo("marker");
        } finally {
            closeQuietly(pub, sub);
        }
    }

    @Test
    void aRetainedMessageWithAMessageExpiryIsNoLongerSentOnceExpired() throws Exception {
        var pub = v5("ret-pub-6");
        try {
            retain5(pub, "r6/short", "soon gone", 1, 1L);
            retain5(pub, "r6/long", "stays", 1, 3600L);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int round = 0;
            while (true) {
                var sub = v5("ret-sub-6-" + round++);
                try {
                    Inbox inbox = new Inbox();
                    subscribe(sub, new MqttSubscription("r6/+", 1), inbox);
                    pub.publish("r6/marker", utf8("marker"), 1, false);
                    List<String> payloads = new java.util.ArrayList<>();
                    Got g;
                    while (!(g = inbox.take()).payload().equals("marker")) {
                        payloads.add(g.payload());
                        if (g.payload().equals("stays")) {
                            assertThat(g.v5().getMessageExpiryInterval()).isBetween(3500L, 3600L);
                        }
                    }
                    assertThat(payloads).contains("stays");
                    if (payloads.equals(List.of("stays"))) break;
                    assertThat(System.nanoTime()).as("the 1 s retained message expires").isLessThan(deadline);
                } finally {
                    closeQuietly(sub);
                }
            }
        } finally {
            closeQuietly(pub);
        }
    }

    @Test
    void aWillWithTheRetainFlagIsRetained() throws Exception {
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = MqttClientSupport.v3Options("guest", "guest");
        o.setWill("r7/device/status", utf8("offline"), 1, true);
        MqttClient device = new MqttClient(broker.mqttUri(), "ret-will-7",
            new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        device.connect(o);
        MqttClient pub = MqttClientSupport.v3(broker.get(), "ret-pub-7");
        MqttClient late = MqttClientSupport.v3(broker.get(), "ret-late-7");
        try {
            retain(pub, "r7/device/status", "online", 1);
            device.disconnectForcibly(0, 0, false); // the socket goes without DISCONNECT: the will is published
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                Inbox inbox = new Inbox();
                late.subscribe("r7/device/status", 1, inbox);
                Got g = inbox.take();
                late.unsubscribe("r7/device/status");
                assertThat(System.nanoTime()).as("the will replaces the retained message").isLessThan(deadline);
                if (!g.retained()) {
                    // The will itself, published while this subscription existed: delivered live, RETAIN cleared.
                    assertThat(g.payload()).isEqualTo("offline");
                    continue;
                }
                if (g.payload().equals("offline")) break;
                assertThat(g.payload()).isEqualTo("online");
            }
        } finally {
            closeQuietly(pub, late, device);
        }
    }

    @Test
    void retainedMessagesSurviveABrokerRestartAndClearedOnesStayCleared(@TempDir Path own) throws Exception {
        try (WharfTestBroker b = WharfTestBroker.start(own, "mqtt.sys.interval.seconds", "0")) {
            MqttClient pub = MqttClientSupport.v3(b, "restart-pub");
            retain(pub, "plant/a/state", "running", 1);
            retain(pub, "plant/b/state", "stopped", 0);
            retain(pub, "plant/c/state", "broken", 1);
            retain(pub, "plant/c/state", "", 1);
            retain(pub, "plant/a/state", "paused", 2);
            // A QoS 0 publish has no acknowledgement: see it retained before the restart.
            MqttClient check = MqttClientSupport.v3(b, "restart-check");
            Inbox before = new Inbox();
            check.subscribe("plant/b/state", 0, before);
            assertThat(before.take().payload()).isEqualTo("stopped");
            closeQuietly(pub, check);

            b.restart();

            MqttClient sub = MqttClientSupport.v3(b, "restart-sub");
            MqttClient pub2 = MqttClientSupport.v3(b, "restart-pub-2");
            try {
                Inbox inbox = new Inbox();
                sub.subscribe("plant/+/state", 2, inbox);
                List<Got> got = inbox.take(2);
                assertThat(got).extracting(Got::topic, Got::payload, Got::qos, Got::retained).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("plant/a/state", "paused", 2, true),
                    org.assertj.core.groups.Tuple.tuple("plant/b/state", "stopped", 0, true));
                nextIsMarker(pub2, inbox, "plant/z/state");
            } finally {
                closeQuietly(sub, pub2);
            }
        }
    }
}
