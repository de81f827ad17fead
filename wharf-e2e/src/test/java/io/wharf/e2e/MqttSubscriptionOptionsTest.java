package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.callbackInbox;
import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MQTT 5 subscription options and shared subscriptions with Paho: No Local, Subscription Identifiers, $share. */
class MqttSubscriptionOptionsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("mqtt.sys.interval.seconds", "0");

    private static org.eclipse.paho.mqttv5.client.MqttClient v5(String id) throws Exception {
        return MqttClientSupport.v5(broker.get(), id);
    }

    private static void subscribe(org.eclipse.paho.mqttv5.client.MqttClient c, MqttSubscription s, Inbox inbox)
        throws Exception {
        c.subscribe(new MqttSubscription[] {s}, new IMqttMessageListener[] {inbox}).waitForCompletion(10_000);
    }

    private static MqttAsyncClient async(String id) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(broker.mqttUri(), id, new MemoryPersistence());
        c.connect(MqttClientSupport.v5Options("guest", "guest")).waitForCompletion(10_000);
        return c;
    }

    private static void subscribeWithId(MqttAsyncClient c, String filter, int qos, int id, Inbox inbox) throws Exception {
        MqttProperties props = new MqttProperties();
        props.setSubscriptionIdentifier(id); // what Paho encodes
        props.setSubscriptionIdentifiers(List.of(id)); // what Paho maps its listener with
        c.subscribe(new MqttSubscription(filter, qos), null, null, inbox, props).waitForCompletion(10_000);
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static List<Integer> ids(Got g) {
        return g.v5().getSubscriptionIdentifiers();
    }

    // ---- CONNACK ----

    @Test
    void theConnAckSaysRetainSharedSubscriptionsAndSubscriptionIdentifiersAreAvailable() throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "opt-connack", new MemoryPersistence());
        try {
            MqttProperties p = c.connectWithResult(MqttClientSupport.v5Options("guest", "guest")).getResponseProperties();
            assertThat(p.isRetainAvailable()).isTrue();
            assertThat(p.isSharedSubscriptionAvailable()).isTrue();
            assertThat(p.isSubscriptionIdentifiersAvailable()).isTrue();
        } finally {
            closeQuietly(c);
        }
    }

    // ---- No Local ----

    @Test
    void noLocalKeepsAClientsOwnPublishesFromThatSubscriptionOnly() throws Exception {
        var me = v5("nl-me");
        var other = v5("nl-other");
        var both = v5("nl-both");
        try {
            Inbox mine = new Inbox();
            MqttSubscription noLocal = new MqttSubscription("nl/t", 1);
            noLocal.setNoLocal(true);
            subscribe(me, noLocal, mine);
            me.publish("nl/t", utf8("own"), 1, false);
            other.publish("nl/t", utf8("from other"), 1, false);
            assertThat(mine.take().payload()).isEqualTo("from other");

            // A second, plain subscription of the same client matching the topic still takes it, once.
            Inbox overlapping = callbackInbox(both);
            MqttSubscription nl2 = new MqttSubscription("nl2/t", 1);
            nl2.setNoLocal(true);
            both.subscribe(new MqttSubscription[] {nl2, new MqttSubscription("nl2/#", 0)}).waitForCompletion(10_000);
            both.publish("nl2/t", utf8("own, once"), 1, false);
            other.publish("nl2/t", utf8("marker"), 1, false);
            assertThat(overlapping.take(2)).extracting(Got::payload, Got::qos).containsExactly(
                org.assertj.core.groups.Tuple.tuple("own, once", 0), org.assertj.core.groups.Tuple.tuple("marker", 1));
            overlapping.assertEmpty();
        } finally {
            closeQuietly(me, other, both);
        }
    }

    // ---- Subscription Identifiers ----

    @Test
    void eachPublishCarriesTheIdentifiersOfTheSubscriptionsItMatches() throws Exception {
        MqttAsyncClient sub = async("ids-sub");
        var pub = v5("ids-pub");
        try {
            Inbox hash = new Inbox();
            Inbox plus = new Inbox();
            subscribeWithId(sub, "ids/#", 1, 5, hash);
            subscribeWithId(sub, "ids/+", 1, 268_435_455, plus);
            pub.publish("ids/a", utf8("both"), 1, false);
            Got g = hash.take();
            assertThat(g.payload()).isEqualTo("both");
            assertThat(ids(g)).containsExactlyInAnyOrder(5, 268_435_455);
            assertThat(ids(plus.take())).containsExactlyInAnyOrder(5, 268_435_455);
            pub.publish("ids/a/b", utf8("deep"), 1, false);
            Got deep = hash.take();
            assertThat(deep.payload()).isEqualTo("deep");
            assertThat(ids(deep)).containsExactly(5);
            plus.assertEmpty();

            // Retained messages sent for a new subscription carry its identifier alone.
            MqttMessage r = new MqttMessage(utf8("kept"));
            r.setRetained(true);
            r.setQos(1);
            pub.publish("ids/r", r);
            Inbox late = new Inbox();
            subscribeWithId(sub, "ids/r", 1, 77, late);
            Got retained = late.take();
            assertThat(retained.retained()).isTrue();
            assertThat(ids(retained)).containsExactly(77);
        } finally {
            sub.disconnect().waitForCompletion(10_000);
            sub.close();
            closeQuietly(pub);
        }
    }

    // ---- shared subscriptions ----

    @Test
    void aSharedSubscriptionHandsEachMessageToOneMemberInTurn() throws Exception {
        var pub = v5("share-pub");
        List<org.eclipse.paho.mqttv5.client.MqttClient> members = new ArrayList<>();
        List<Inbox> inboxes = new ArrayList<>();
        MqttClient everything = MqttClientSupport.v3(broker.get(), "share-all");
        try {
            for (int i = 0; i < 3; i++) {
                var m = v5("share-member-" + i);
                Inbox inbox = callbackInbox(m);
                m.subscribe(new MqttSubscription[] {new MqttSubscription("$share/workers/jobs/#", 1)}).waitForCompletion(10_000);
                members.add(m);
                inboxes.add(inbox);
            }
            Inbox all = new Inbox();
            everything.subscribe("jobs/#", 1, all);
            for (int i = 0; i < 30; i++) pub.publish("jobs/" + (i % 4), utf8("job " + i), 1, false);
            waitFor(() -> inboxes.stream().mapToInt(Inbox::count).sum() == 30, "30 jobs shared out");
            assertThat(inboxes).extracting(Inbox::count).containsExactly(10, 10, 10);
            List<String> jobs = new ArrayList<>();
            for (Inbox inbox : inboxes) {
                for (Got g : inbox.take(10)) {
                    assertThat(g.topic()).as("the topic, not the shared filter").startsWith("jobs/");
                    assertThat(g.qos()).isEqualTo(1);
                    jobs.add(g.payload());
                }
            }
            assertThat(jobs).hasSize(30).doesNotHaveDuplicates();
            assertThat(all.take(30)).hasSize(30);

            // A member leaves: the other two share what follows.
            members.get(0).unsubscribe("$share/workers/jobs/#");
            for (int i = 0; i < 10; i++) pub.publish("jobs/x", utf8("later " + i), 1, false);
            waitFor(() -> inboxes.get(1).count() + inboxes.get(2).count() == 10, "10 more jobs shared out");
            assertThat(inboxes).extracting(Inbox::count).containsExactly(0, 5, 5);
        } finally {
            closeQuietly(pub, everything);
            for (var m : members) closeQuietly(m);
        }
    }

    @Test
    void membersGetTheirOwnGrantedQosAndV3ClientsShareToo() throws Exception {
        var pub = v5("share2-pub");
        MqttClient a = MqttClientSupport.v3(broker.get(), "share2-a");
        MqttClient b = MqttClientSupport.v3(broker.get(), "share2-b");
        try {
            Inbox atQos0 = callbackInbox(a);
            Inbox atQos2 = callbackInbox(b);
            a.subscribe("$share/g2/tasks", 0);
            b.subscribe("$share/g2/tasks", 2);
            for (int i = 0; i < 8; i++) pub.publish("tasks", utf8("t" + i), 2, false);
            waitFor(() -> atQos0.count() + atQos2.count() == 8, "8 tasks shared out");
            assertThat(atQos0.take(4)).extracting(Got::qos).containsOnly(0);
            assertThat(atQos2.take(4)).extracting(Got::qos).containsOnly(2);
        } finally {
            closeQuietly(pub, a, b);
        }
    }

    @Test
    void aSharedSubscriptionGetsNoRetainedMessages() throws Exception {
        var pub = v5("share3-pub");
        var member = v5("share3-member");
        try {
            MqttMessage r = new MqttMessage(utf8("retained"));
            r.setRetained(true);
            r.setQos(1);
            pub.publish("share3/state", r);
            Inbox inbox = callbackInbox(member);
            member.subscribe(new MqttSubscription[] {new MqttSubscription("$share/g3/share3/#", 1)}).waitForCompletion(10_000);
            pub.publish("share3/state", utf8("live"), 1, false);
            Got g = inbox.take();
            assertThat(g.payload()).isEqualTo("live");
            assertThat(g.retained()).isFalse();
        } finally {
            closeQuietly(pub, member);
        }
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        var c = v5("share4");
        try {
            MqttSubscription s = new MqttSubscription("$share/g4/x", 1);
            s.setNoLocal(true);
            assertThatThrownBy(() -> subscribe(c, s, new Inbox())).isInstanceOf(MqttException.class);
            waitFor(() -> !c.isConnected(), "the broker to close the connection");
        } finally {
            closeQuietly(c);
        }
    }
}
