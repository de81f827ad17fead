package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static io.wharf.e2e.MqttSessionPackets.accepted;
import static io.wharf.e2e.MqttSessionPackets.connect;
import static io.wharf.e2e.MqttSessionPackets.expect;
import static io.wharf.e2e.MqttSessionPackets.packetId;
import static io.wharf.e2e.MqttSessionPackets.payload;
import static io.wharf.e2e.MqttSessionPackets.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Persistent sessions, as a device on a bad network uses them: subscriptions and QoS 1 and 2 messages kept
 * while it is offline (also across a broker restart), Session Present, redelivery with DUP, the QoS 2 flows
 * resumed, session expiry and clean start.
 */
class MqttSessionsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static VirtualHost vhost() { return broker.server().broker().vhosts().get("/").orElseThrow(); }

    /** Paho v3 with clean session 0, its messages to {@code inbox} whichever subscription they came by. */
    private static MqttClient v3Persistent(String clientId, Inbox inbox, boolean[] sessionPresent) throws Exception {
        MqttClient c = new MqttClient(broker.mqttUri(), clientId, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override public void connectionLost(Throwable cause) { }
            @Override public void messageArrived(String topic, MqttMessage m) { inbox.messageArrived(topic, m); }
            @Override public void deliveryComplete(IMqttDeliveryToken token) { }
        });
        MqttConnectOptions o = MqttClientSupport.v3Options("guest", "guest");
        o.setCleanSession(false);
        sessionPresent[0] = c.connectWithResult(o).getSessionPresent();
        return c;
    }

    private static org.eclipse.paho.mqttv5.client.MqttClient v5Persistent(String clientId, long expiry, Inbox inbox,
                                                                            IMqttToken[] connack) throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), clientId,
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
            @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                inbox.messageArrived(topic, m);
            }
            @Override public void deliveryComplete(IMqttToken token) { }
            @Override public void connectComplete(boolean reconnect, String uri) { }
            @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        MqttConnectionOptions o = MqttClientSupport.v5Options("guest", "guest");
        o.setCleanStart(false);
        o.setSessionExpiryInterval(expiry);
        connack[0] = c.connectWithResult(o);
        return c;
    }

    private static List<String> byQos(List<Got> got, int qos) {
        return got.stream().filter(g -> g.qos() == qos).map(Got::payload).toList();
    }

    private static int number(String payload) { return Integer.parseInt(payload.substring(1)); }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    // ---- offline messages, Session Present ----

    @Test
    void aV3PersistentSessionReceivesTheQos1And2MessagesSentWhileOfflineInOrder() throws Exception {
        Inbox inbox = new Inbox();
        boolean[] present = new boolean[1];
        MqttClient sub = v3Persistent("offline-v3", inbox, present);
        assertThat(present[0]).as("a new session").isFalse();
        sub.subscribe("offline/v3/#", 2);
        sub.disconnect();
        sub.close();

        MqttClient pub = MqttClientSupport.v3(broker.get(), "offline-v3-pub");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add("m" + i);
            pub.publish("offline/v3/" + (i % 4), utf8("m" + i), 1 + i % 2, false);
        }
        closeQuietly(pub);

        MqttClient back = v3Persistent("offline-v3", inbox, present);
        assertThat(present[0]).as("Session Present").isTrue();
        List<Got> got = inbox.take(30);
        // In order per QoS: Paho hands a QoS 2 message over at its PUBREL, a round trip after a QoS 1 one.
        assertThat(byQos(got, 1)).containsExactlyElementsOf(sent.stream().filter(m -> number(m) % 2 == 0).toList());
        assertThat(byQos(got, 2)).containsExactlyElementsOf(sent.stream().filter(m -> number(m) % 2 == 1).toList());
        // The subscription came back with the session: new messages flow without a SUBSCRIBE.
        MqttClient pub2 = MqttClientSupport.v3(broker.get(), "offline-v3-pub");
        pub2.publish("offline/v3/x", utf8("live"), 1, false);
        assertThat(inbox.take().payload()).isEqualTo("live");
        inbox.assertEmpty();
        closeQuietly(pub2, back);
    }

    @Test
    void aV5SessionIsPresentOnReturnAndItsExpiryIsCappedAtTheBrokersMaximum() throws Exception {
        Inbox inbox = new Inbox();
        IMqttToken[] connack = new IMqttToken[1];
        var c = v5Persistent("offline-v5", 1_000_000, inbox, connack);
        assertThat(connack[0].getSessionPresent()).isFalse();
        assertThat(connack[0].getResponseProperties().getSessionExpiryInterval()).as("capped at one day").isEqualTo(86_400L);
        c.subscribe(new MqttSubscription[] {new MqttSubscription("offline/v5/+", 1)});
        c.disconnect();
        c.close();
        assertThat(vhost().queue("mqtt-subscription-offline-v5").definition().durable()).isTrue();

        var pub = MqttClientSupport.v5(broker.get(), "offline-v5-pub");
        for (int i = 0; i < 5; i++) pub.publish("offline/v5/a", utf8("v5-" + i), 1, false);
        closeQuietly(pub);

        var back = v5Persistent("offline-v5", 600, inbox, connack);
        assertThat(connack[0].getSessionPresent()).isTrue();
        assertThat(connack[0].getResponseProperties().getSessionExpiryInterval()).isEqualTo(600L);
        assertThat(inbox.take(5)).extracting(Got::payload).containsExactly("v5-0", "v5-1", "v5-2", "v5-3", "v5-4");
        assertThat(vhost().queue("mqtt-subscription-offline-v5").definition().arguments())
            .as("the queue follows the expiry of the latest connection").containsEntry("x-expires", 600_000L);
        closeQuietly(back);
    }

    // ---- redelivery ----

    @Test
    void unacknowledgedQos1DeliveriesComeAgainWithDupAndTheirPacketIdsAfterAConnectionDrop() throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_3_1_1, "redeliver", false, 60, -1).build());
            raw.send(MqttSessionPackets.subscribe(1, "redeliver/t", MqttQoS.AT_LEAST_ONCE));
            expect(raw, MqttMessageType.SUBACK);
            MqttClient pub = MqttClientSupport.v3(broker.get(), "redeliver-pub");
            for (int i = 0; i < 3; i++) pub.publish("redeliver/t", utf8("r" + i), 1, false);
            closeQuietly(pub);
            for (int i = 0; i < 3; i++) {
                MqttPublishMessage m = (MqttPublishMessage) expect(raw, MqttMessageType.PUBLISH);
                assertThat(payload(m)).isEqualTo("r" + i);
                assertThat(m.fixedHeader().isDup()).isFalse();
                ids.add(packetId(m));
            }
            // Acknowledges the first only, then the socket drops.
            raw.send(reply(MqttMessageType.PUBACK, ids.get(0)));
            raw.send(MqttSessionPackets.publish("redeliver/marker", MqttQoS.AT_LEAST_ONCE, false, 9, "x"));
            expect(raw, MqttMessageType.PUBACK);
        }
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            MqttConnAckMessage ack = accepted(raw, connect(MqttVersion.MQTT_3_1_1, "redeliver", false, 60, -1).build());
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            for (int i = 1; i < 3; i++) {
                MqttPublishMessage m = (MqttPublishMessage) expect(raw, MqttMessageType.PUBLISH);
                assertThat(payload(m)).isEqualTo("r" + i);
                assertThat(m.fixedHeader().isDup()).as("DUP on a redelivery").isTrue();
                assertThat(packetId(m)).as("the original packet identifier [MQTT-4.4.0-1]").isEqualTo(ids.get(i));
                raw.send(reply(MqttMessageType.PUBACK, packetId(m)));
            }
            raw.send(MqttSessionPackets.disconnect(0, -1));
        }
        // Everything is acknowledged now: a third connection gets only what comes next.
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_3_1_1, "redeliver", false, 60, -1).build());
            MqttClient pub = MqttClientSupport.v3(broker.get(), "redeliver-pub");
            pub.publish("redeliver/t", utf8("after"), 1, false);
            closeQuietly(pub);
            MqttPublishMessage m = (MqttPublishMessage) expect(raw, MqttMessageType.PUBLISH);
            assertThat(payload(m)).isEqualTo("after");
            assertThat(m.fixedHeader().isDup()).isFalse();
        }
    }

    @Test
    void aQos2DeliveryWhosePubrecCameGetsItsPubrelAgainAfterReconnect() throws Exception {
        int id;
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_5, "pubrel-again", false, 60, 300).build());
            raw.send(MqttSessionPackets.subscribe(1, "pubrel/t", MqttQoS.EXACTLY_ONCE));
            expect(raw, MqttMessageType.SUBACK);
            MqttClient pub = MqttClientSupport.v3(broker.get(), "pubrel-pub");
            pub.publish("pubrel/t", utf8("q2"), 2, false);
            closeQuietly(pub);
            MqttPublishMessage m = (MqttPublishMessage) expect(raw, MqttMessageType.PUBLISH);
            id = packetId(m);
            raw.send(reply(MqttMessageType.PUBREC, id));
            assertThat(packetId(expect(raw, MqttMessageType.PUBREL))).isEqualTo(id);
            // No PUBCOMP: the connection drops.
        }
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            MqttConnAckMessage ack = accepted(raw, connect(MqttVersion.MQTT_5, "pubrel-again", false, 60, 300).build());
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            assertThat(packetId(expect(raw, MqttMessageType.PUBREL))).as("PUBREL re-sent").isEqualTo(id);
            raw.send(reply(MqttMessageType.PUBCOMP, id));
            // The message itself is not sent again: the client owns it since its PUBREC.
            MqttClient pub = MqttClientSupport.v3(broker.get(), "pubrel-pub");
            pub.publish("pubrel/t", utf8("next"), 2, false);
            closeQuietly(pub);
            MqttPublishMessage m = (MqttPublishMessage) expect(raw, MqttMessageType.PUBLISH);
            assertThat(payload(m)).isEqualTo("next");
            raw.send(MqttSessionPackets.disconnect(0, 0));
        }
    }

    @Test
    void anInboundQos2IdentifierAwaitingPubrelIsKeptAcrossReconnectAndReleasedOnce() throws Exception {
        MqttClient sub = MqttClientSupport.v3(broker.get(), "inbound-q2-sub");
        Inbox inbox = new Inbox();
        sub.subscribe("inbound/q2", 2, inbox);
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_5, "inbound-q2", false, 60, 300).build());
            raw.send(MqttSessionPackets.publish("inbound/q2", MqttQoS.EXACTLY_ONCE, false, 7, "once"));
            assertThat(packetId(expect(raw, MqttMessageType.PUBREC))).isEqualTo(7);
        }
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_5, "inbound-q2", false, 60, 300).build());
            raw.send(MqttSessionPackets.publish("inbound/q2", MqttQoS.EXACTLY_ONCE, true, 7, "once"));
            assertThat(packetId(expect(raw, MqttMessageType.PUBREC))).as("answered, not routed again").isEqualTo(7);
            raw.send(reply(MqttMessageType.PUBREL, 7));
            var comp = expect(raw, MqttMessageType.PUBCOMP);
            assertThat(packetId(comp)).isEqualTo(7);
            assertThat(MqttSessionPackets.reasonCode(comp)).as("the identifier was known").isZero();
            raw.send(reply(MqttMessageType.PUBREL, 8));
            var unknown = expect(raw, MqttMessageType.PUBCOMP);
            assertThat(MqttSessionPackets.reasonCode(unknown)).as("0x92 Packet Identifier not found").isEqualTo(0x92);
            raw.send(MqttSessionPackets.publish("inbound/q2", MqttQoS.AT_LEAST_ONCE, false, 9, "marker"));
            expect(raw, MqttMessageType.PUBACK);
            raw.send(MqttSessionPackets.disconnect(0, 0));
        }
        // Either order: Paho v3 hands a QoS 2 message to the application at its PUBREL, a QoS 1 one at once, so
        // the marker may overtake "once" on a busy machine. What matters is that "once" came one time only.
        assertThat(inbox.take(2)).extracting(Got::payload).containsExactlyInAnyOrder("once", "marker");
        inbox.assertEmpty();
        closeQuietly(sub);
    }

    // ---- restart ----

    @Test
    void aPersistentSessionWithItsSubscriptionsAndOfflineMessagesSurvivesABrokerRestart() throws Exception {
        Inbox inbox = new Inbox();
        boolean[] present = new boolean[1];
        MqttClient sub = v3Persistent("restart-v3", inbox, present);
        sub.subscribe(new String[] {"restart/a/+", "restart/b/#"}, new int[] {1, 2});
        sub.disconnect();
        sub.close();
        MqttClient pub = MqttClientSupport.v3(broker.get(), "restart-pub");
        for (int i = 0; i < 10; i++) pub.publish(i % 2 == 0 ? "restart/a/x" : "restart/b/y/z", utf8("s" + i), 2, false);
        closeQuietly(pub);

        broker.restart();

        MqttClient back = v3Persistent("restart-v3", inbox, present);
        assertThat(present[0]).as("Session Present after the restart").isTrue();
        List<Got> got = inbox.take(10);
        // The granted QoS were rebuilt from the bindings: restart/a/+ at 1, restart/b/# at 2.
        assertThat(byQos(got, 1)).containsExactly("s0", "s2", "s4", "s6", "s8");
        assertThat(byQos(got, 2)).containsExactly("s1", "s3", "s5", "s7", "s9");
        MqttClient pub2 = MqttClientSupport.v3(broker.get(), "restart-pub");
        pub2.publish("restart/b/new", utf8("live"), 2, false);
        assertThat(inbox.take().payload()).isEqualTo("live");
        closeQuietly(pub2, back);
    }

    // ---- expiry, clean start ----

    @Test
    void anExpiredSessionLosesItsQueueAndIsNotPresentAgain() throws Exception {
        Inbox inbox = new Inbox();
        IMqttToken[] connack = new IMqttToken[1];
        var c = v5Persistent("expiring", 1, inbox, connack);
        c.subscribe(new MqttSubscription[] {new MqttSubscription("expiring/t", 1)});
        assertThat(vhost().queue("mqtt-subscription-expiring")).isNotNull();
        c.disconnect();
        c.close();
        await("the session's queue is deleted a second after the disconnect",
            () -> vhost().queue("mqtt-subscription-expiring") == null);
        var back = v5Persistent("expiring", 60, inbox, connack);
        assertThat(connack[0].getSessionPresent()).isFalse();
        closeQuietly(back);
    }

    @Test
    void aDisconnectMayShortenTheSessionExpiryButNotRaiseItFromZero() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_5, "shortened", false, 60, 3600).build());
            raw.send(MqttSessionPackets.subscribe(1, "shortened/t", MqttQoS.AT_LEAST_ONCE));
            expect(raw, MqttMessageType.SUBACK);
            raw.send(MqttSessionPackets.disconnect(0, 1));
            assertThat(raw.receive()).as("closed").isNull();
        }
        await("the queue expires after the second the DISCONNECT set", () -> vhost().queue("mqtt-subscription-shortened") == null);

        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, connect(MqttVersion.MQTT_5, "raised", true, 60, -1).build());
            raw.send(MqttSessionPackets.disconnect(0, 60));
            var d = expect(raw, MqttMessageType.DISCONNECT);
            assertThat(RawMqttClient.disconnectReason(d)).as("0x82 Protocol Error").isEqualTo(0x82);
        }
    }

    @Test
    void aCleanStartDiscardsTheStoredSession() throws Exception {
        Inbox inbox = new Inbox();
        IMqttToken[] connack = new IMqttToken[1];
        var c = v5Persistent("discarded", 3600, inbox, connack);
        c.subscribe(new MqttSubscription[] {new MqttSubscription("discarded/t", 1)});
        c.disconnect();
        c.close();
        var pub = MqttClientSupport.v5(broker.get(), "discarded-pub");
        pub.publish("discarded/t", utf8("stale"), 1, false);

        // A clean start (with an expiry: the new session outlives its connection too) gets none of the old one.
        Inbox fresh1 = new Inbox();
        var fresh = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "discarded",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var sink = fresh1;
        fresh.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
            @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                sink.messageArrived(topic, m);
            }
            @Override public void deliveryComplete(IMqttToken token) { }
            @Override public void connectComplete(boolean reconnect, String uri) { }
            @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        MqttConnectionOptions o = MqttClientSupport.v5Options("guest", "guest");
        o.setSessionExpiryInterval(3600L);
        IMqttToken t = fresh.connectWithResult(o);
        assertThat(t.getSessionPresent()).isFalse();
        assertThat(vhost().queue("mqtt-subscription-discarded")).as("queue and bindings deleted").isNull();
        fresh.subscribe(new MqttSubscription[] {new MqttSubscription("discarded/marker", 1)});
        pub.publish("discarded/t", utf8("not subscribed any more"), 1, false);
        pub.publish("discarded/marker", utf8("marker"), 1, false);
        assertThat(fresh1.take().payload()).as("neither the stale message nor the later one").isEqualTo("marker");
        inbox.assertEmpty();
        closeQuietly(pub, fresh);
    }
}
