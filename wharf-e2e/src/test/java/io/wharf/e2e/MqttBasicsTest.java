package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every MQTT user does first, with Paho v3 (MQTT 3.1.1) and v5: log in, publish, subscribe. */
class MqttBasicsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @BeforeAll
    static void start() {
        broker.server().broker().access().addUser("nobody", "pw", Set.of()); // no permissions anywhere
    }

    // ---- connect ----

    @Test
    void wrongPasswordNoUserNameAndNoPermissionsAreRefusedWithTheirCodes() throws Exception {
        assertThat(v3ConnectFailure("guest", "wrong")).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThat(v3ConnectFailure(null, null)).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        assertThat(v3ConnectFailure("nobody", "pw")).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        assertThat(v5ConnectFailure("guest", "wrong")).isEqualTo(0x86);
        assertThat(v5ConnectFailure(null, null)).isEqualTo(0x87);
        assertThat(v5ConnectFailure("nobody", "pw")).isEqualTo(0x87);
    }

    @Test
    void anonymousClientsActAsGuestWhenAllowed(@TempDir Path other) throws Exception {
        try (WharfTestBroker open = WharfTestBroker.start(other, "mqtt.allow.anonymous", "true")) {
            MqttClient c = new MqttClient(open.mqttUri(), "anon", new MemoryPersistence());
            c.connect(MqttClientSupport.v3Options(null, null));
            Inbox inbox = new Inbox();
            c.subscribe("anon/t", 1, inbox);
            c.publish("anon/t", utf8("hello"), 1, false);
            assertThat(inbox.take().payload()).isEqualTo("hello");
            closeQuietly(c);
        }
    }

    @Test
    void anEmptyClientIdWithACleanSessionGetsOneAssignedAndV5IsToldWhich() throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        IMqttToken token = c.connectWithResult(MqttClientSupport.v5Options("guest", "guest"));
        String assigned = token.getResponseProperties().getAssignedClientIdentifier();
        assertThat(assigned).startsWith("wharf-").hasSize(22);
        assertThat(broker.server().broker().vhosts().get("/").orElseThrow().queue("mqtt-subscription-" + assigned)).isNull();
        Inbox inbox = new Inbox();
        c.subscribe(new MqttSubscription[] {new MqttSubscription("assigned/t", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
        assertThat(broker.server().broker().vhosts().get("/").orElseThrow().queue("mqtt-subscription-" + assigned))
            .as("the session's queue is named after the assigned identifier").isNotNull();
        closeQuietly(c);

        MqttClient v3 = new MqttClient(broker.mqttUri(), "", new MemoryPersistence());
        v3.connect(MqttClientSupport.v3Options("guest", "guest"));
        assertThat(v3.isConnected()).isTrue();
        closeQuietly(v3);
    }

    // ---- publish and subscribe ----

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void v3MessagesArriveInOrderWithTheirContentsAtTheirQos(int qos) throws Exception {
        MqttClient sub = MqttClientSupport.v3(broker.get(), "v3-sub-" + qos);
        MqttClient pub = MqttClientSupport.v3(broker.get(), "v3-pub-" + qos);
        Inbox inbox = new Inbox();
        int[] granted = sub.subscribeWithResponse("orders/" + qos + "/#", 2, inbox).getGrantedQos();
        assertThat(granted).containsExactly(2);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add("order-" + i);
            pub.publish("orders/" + qos + "/" + (i % 3), utf8("order-" + i), qos, false);
        }
        List<Got> got = inbox.take(50);
        assertThat(got).extracting(Got::payload).containsExactlyElementsOf(sent);
        assertThat(got).extracting(Got::qos).containsOnly(qos);
        assertThat(got.get(4).topic()).isEqualTo("orders/" + qos + "/1");
        inbox.assertEmpty();
        closeQuietly(pub, sub);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void v5MessagesArriveInOrderWithTheirContentsAtTheirQos(int qos) throws Exception {
        var sub = MqttClientSupport.v5(broker.get(), "v5-sub-" + qos);
        var pub = MqttClientSupport.v5(broker.get(), "v5-pub-" + qos);
        Inbox inbox = new Inbox();
        IMqttToken t = sub.subscribe(new MqttSubscription[] {new MqttSubscription("v5orders/" + qos + "/+", 2)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
        assertThat(t.getReasonCodes()).containsExactly(2);
        for (int i = 0; i < 30; i++) pub.publish("v5orders/" + qos + "/x", utf8("m" + i), qos, false);
        List<Got> got = inbox.take(30);
        assertThat(got).extracting(Got::payload).containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
        assertThat(got).extracting(Got::qos).containsOnly(qos);
        closeQuietly(pub, sub);
    }

    @Test
    void aQos2PublishResentBeforePubrelIsDeliveredExactlyOnce() throws Exception {
        MqttClient sub = MqttClientSupport.v3(broker.get(), "once-sub");
        Inbox inbox = new Inbox();
        sub.subscribe("once/t", 2, inbox);
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.handshake(MqttVersion.MQTT_3_1_1, "once-pub");
            raw.send(publish("once/t", MqttQoS.EXACTLY_ONCE, false, 7, "once"));
            assertThat(packet(raw.receive())).isEqualTo("PUBREC 7");
            raw.send(publish("once/t", MqttQoS.EXACTLY_ONCE, true, 7, "once"));
            assertThat(packet(raw.receive())).as("the re-sent PUBLISH is acknowledged again").isEqualTo("PUBREC 7");
            raw.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(7)));
            assertThat(packet(raw.receive())).isEqualTo("PUBCOMP 7");
            raw.send(publish("once/t", MqttQoS.AT_LEAST_ONCE, false, 8, "marker"));
            assertThat(packet(raw.receive())).isEqualTo("PUBACK 8");
        }
        assertThat(inbox.take(2)).extracting(Got::payload, Got::qos).containsExactly(
            org.assertj.core.groups.Tuple.tuple("once", 2), org.assertj.core.groups.Tuple.tuple("marker", 1));
        closeQuietly(sub);
    }

    private static MqttPublishMessage publish(String topic, MqttQoS qos, boolean dup, int id, String payload) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, qos, false, 0),
            new MqttPublishVariableHeader(topic, id), Unpooled.wrappedBuffer(utf8(payload)));
    }

    private static String packet(MqttMessage m) {
        return m.fixedHeader().messageType() + " " + ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    @Test
    void theDeliveryQosIsTheLowerOfPublishedAndGranted() throws Exception {
        MqttClient sub = MqttClientSupport.v3(broker.get(), "granted-sub");
        MqttClient pub = MqttClientSupport.v3(broker.get(), "granted-pub");
        Inbox low = new Inbox();
        Inbox mid = new Inbox();
        sub.subscribe("granted/zero", 0, low);
        sub.subscribe("granted/one", 1, mid);
        pub.publish("granted/zero", utf8("a"), 2, false);
        pub.publish("granted/one", utf8("b"), 2, false);
        pub.publish("granted/one", utf8("c"), 0, false);
        assertThat(low.take().qos()).isZero();
        assertThat(mid.take(2)).extracting(Got::payload, Got::qos)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 1), org.assertj.core.groups.Tuple.tuple("c", 0));
        closeQuietly(pub, sub);
    }

    @Test
    void wildcardsMatchOneLevelOrEverythingBelow() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "wild-pub");
        MqttClient plus = MqttClientSupport.v3(broker.get(), "wild-plus");
        MqttClient hash = MqttClientSupport.v3(broker.get(), "wild-hash");
        Inbox onePlus = new Inbox();
        Inbox oneHash = new Inbox();
        plus.subscribe("home/+/temp", 1, onePlus);
        hash.subscribe("home/#", 1, oneHash);
        for (String topic : List.of("home/kitchen/temp", "home/kitchen/humidity", "home/temp", "home", "home/a/b/temp",
            "home/hall/temp", "office/kitchen/temp")) {
            pub.publish(topic, utf8(topic), 1, false);
        }
        assertThat(onePlus.take(2)).extracting(Got::topic).containsExactly("home/kitchen/temp", "home/hall/temp");
        assertThat(oneHash.take(6)).extracting(Got::topic).containsExactly("home/kitchen/temp", "home/kitchen/humidity",
            "home/temp", "home", "home/a/b/temp", "home/hall/temp");
        // Marker: anything wrongly delivered would have come before it.
        pub.publish("home/last/temp", utf8("end"), 1, false);
        assertThat(onePlus.take().topic()).isEqualTo("home/last/temp");
        assertThat(oneHash.take().topic()).isEqualTo("home/last/temp");
        closeQuietly(pub, plus, hash);
    }

    @Test
    void dollarTopicsAreNotMatchedByFiltersStartingWithAWildcard() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "dollar-pub");
        MqttClient all = MqttClientSupport.v3(broker.get(), "dollar-all");
        MqttClient sys = MqttClientSupport.v3(broker.get(), "dollar-sys");
        Inbox everything = new Inbox();
        Inbox dollar = new Inbox();
        all.subscribe(new String[] {"#", "+/status"}, new int[] {1, 1},
            new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {everything, everything});
        sys.subscribe("$SYS/+", 1, dollar); // not $SYS/#: the broker's own $SYS/broker/... status is retained
        pub.publish("$SYS/status", utf8("sys"), 1, false);
        pub.publish("plain/status", utf8("plain"), 1, false);
        assertThat(dollar.take().topic()).isEqualTo("$SYS/status");
        Got first = everything.take();
        assertThat(first.topic()).as("'#' and '+/status' skip $SYS/status").isEqualTo("plain/status");
        closeQuietly(pub, all, sys);
    }

    @Test
    void anUnsubscribedFilterReceivesNothingMore() throws Exception {
        MqttClient pub = MqttClientSupport.v3(broker.get(), "unsub-pub");
        MqttClient sub = MqttClientSupport.v3(broker.get(), "unsub-sub");
        Inbox inbox = new Inbox();
        sub.subscribe(new String[] {"news/#", "marker"}, new int[] {1, 1},
            new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {inbox, inbox});
        pub.publish("news/a", utf8("before"), 1, false);
        assertThat(inbox.take().payload()).isEqualTo("before");
        sub.unsubscribe("news/#");
        pub.publish("news/a", utf8("after"), 1, false);
        pub.publish("marker", utf8("marker"), 1, false);
        assertThat(inbox.take().payload()).isEqualTo("marker");
        closeQuietly(pub, sub);
    }

    // ---- sessions and connections ----

    @Test
    void aSecondConnectionWithTheSameClientIdTakesTheSessionOver() throws Exception {
        var first = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "device-1",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        CompletableFuture<MqttDisconnectResponse> lost = new CompletableFuture<>();
        first.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) { lost.complete(r); }
            @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            @Override public void messageArrived(String t, org.eclipse.paho.mqttv5.common.MqttMessage m) { }
            @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
            @Override public void connectComplete(boolean reconnect, String uri) { }
            @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        first.connect(MqttClientSupport.v5Options("guest", "guest"));
        first.subscribe("takeover/t", 1);

        var second = MqttClientSupport.v5(broker.get(), "device-1");

        assertThat(lost.get(10, TimeUnit.SECONDS).getReturnCode()).as("Session taken over").isEqualTo(0x8E);
        Inbox inbox = new Inbox();
        second.subscribe(new MqttSubscription[] {new MqttSubscription("takeover/t", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
        second.publish("takeover/t", utf8("still here"), 1, false);
        assertThat(inbox.take().payload()).isEqualTo("still here");
        assertThat(broker.server().broker().vhosts().get("/").orElseThrow().queue("mqtt-subscription-device-1")
            .queue().consumerCount()).as("only the new connection consumes the session").isEqualTo(1);
        closeQuietly(second, first);
    }

    @Test
    void aV3ClientTakenOverLosesItsConnection() throws Exception {
        MqttClient first = new MqttClient(broker.mqttUri(), "device-2", new MemoryPersistence());
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        first.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override public void connectionLost(Throwable cause) { lost.complete(cause); }
            @Override public void messageArrived(String t, org.eclipse.paho.client.mqttv3.MqttMessage m) { }
            @Override public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken t) { }
        });
        first.connect(MqttClientSupport.v3Options("guest", "guest"));
        MqttClient second = MqttClientSupport.v3(broker.get(), "device-2");
        assertThat(lost.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(second.isConnected()).isTrue();
        closeQuietly(second, first);
    }

    @Test
    void pingreqIsAnsweredAndASilentClientIsDisconnectedAfterOneAndAHalfKeepAlives() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            raw.send(RawMqttClient.connect(MqttVersion.MQTT_5, "sleepy", true, 1));
            assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
            raw.send(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PINGREQ, false,
                io.netty.handler.codec.mqtt.MqttQoS.AT_MOST_ONCE, false, 0)));
            assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGRESP);
            long silentSince = System.nanoTime();
            MqttMessage bye = raw.receive();
            long silentMs = (System.nanoTime() - silentSince) / 1_000_000;
            assertThat(bye.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(RawMqttClient.disconnectReason(bye)).as("Keep Alive timeout").isEqualTo(0x8D);
            assertThat(silentMs).as("not before 1.5 x 1 s").isGreaterThanOrEqualTo(1400);
            assertThat(raw.receive()).as("then the connection is closed").isNull();
        }
    }

    @Test
    void disconnectEndsTheCleanSessionAndDeletesItsQueue() throws Exception {
        MqttClient c = MqttClientSupport.v3(broker.get(), "short-lived");
        c.subscribe("short/t", 1);
        var vhost = broker.server().broker().vhosts().get("/").orElseThrow();
        assertThat(vhost.queue("mqtt-subscription-short-lived")).isNotNull();
        c.disconnect();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        var name = new io.wharf.broker.queue.QueueName("/", "mqtt-subscription-short-lived");
        // The vhost forgets the queue a moment before its storage is gone: wait for both.
        while ((vhost.queue("mqtt-subscription-short-lived") != null || broker.server().broker().queues().get(name) != null)
            && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(vhost.queue("mqtt-subscription-short-lived")).isNull();
        assertThat(broker.server().broker().queues().get(name)).isNull();
        c.close();
    }

    // ---- helpers ----

    private static int v3ConnectFailure(String user, String password) throws Exception {
        MqttClient c = new MqttClient(broker.mqttUri(), "refused", new MemoryPersistence());
        try {
            c.connect(MqttClientSupport.v3Options(user, password));
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            c.close();
        }
    }

    private static int v5ConnectFailure(String user, String password) throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "refused5",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            c.connect(MqttClientSupport.v5Options(user, password));
            return 0;
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            return e.getReasonCode();
        } finally {
            c.close();
        }
    }
}
