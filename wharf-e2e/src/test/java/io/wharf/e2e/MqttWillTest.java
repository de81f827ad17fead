package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static io.wharf.e2e.MqttSessionPackets.accepted;
import static io.wharf.e2e.MqttSessionPackets.connect;
import static io.wharf.e2e.MqttSessionPackets.expect;
import static io.wharf.e2e.MqttSessionPackets.withWill;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Last Will and Testament: published when a client vanishes — socket lost, keep-alive over, a protocol error,
 * its session taken over, a v5 DISCONNECT 0x04 — never after a normal DISCONNECT; v5 will delay and properties.
 * "Nothing arrives" is shown by a marker published after it, in the same subscription's order.
 */
class MqttWillTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static MqttClient watcher;
    static Inbox wills = new Inbox();

    @BeforeAll
    static void start() throws Exception {
        broker.server().broker().access().addUser("reader", "pw", Set.of());
        // May connect and subscribe, but not publish to amq.topic.
        broker.server().broker().access().setPermissions("/", "reader", ".*", "^mqtt-subscription-.*", ".*");
        watcher = MqttClientSupport.v3(broker.get(), "will-watcher");
        watcher.subscribe("wills/#", 2, wills);
    }

    @AfterAll
    static void stop() {
        closeQuietly(watcher);
    }

    /** Publishes a marker to the wills topic and returns what arrived before it, the marker taken. */
    private static List<Got> upToMarker(String marker) throws Exception {
        MqttClient m = MqttClientSupport.v3(broker.get(), "will-marker");
        m.publish("wills/marker", utf8(marker), 2, false);
        closeQuietly(m);
        List<Got> before = new java.util.ArrayList<>();
        while (true) {
            Got g = wills.take();
            if (g.topic().equals("wills/marker") && g.payload().equals(marker)) return before;
            before.add(g);
        }
    }

    @Test
    void aLostSocketPublishesTheWillAtItsQos() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_3_1_1, "lost-socket", true, 60, -1), "wills/lost", "gone",
                MqttQoS.AT_LEAST_ONCE, -1).build());
        } // closed without DISCONNECT
        Got g = wills.take();
        assertThat(g.topic()).isEqualTo("wills/lost");
        assertThat(g.payload()).isEqualTo("gone");
        assertThat(g.qos()).isEqualTo(1);
    }

    @Test
    void anExpiredKeepAlivePublishesTheWill() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_3_1_1, "silent", true, 1, -1), "wills/silent", "timed out",
                MqttQoS.AT_MOST_ONCE, -1).build());
            assertThat(raw.receive()).as("closed after 1.5 s of silence").isNull();
        }
        assertThat(wills.take().payload()).isEqualTo("timed out");
    }

    @Test
    void aProtocolErrorPublishesTheWill() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_5, "second-connect", true, 60, -1), "wills/error", "broken",
                MqttQoS.AT_LEAST_ONCE, -1).build());
            raw.send(connect(MqttVersion.MQTT_5, "second-connect", true, 60, -1).build());
            assertThat(RawMqttClient.disconnectReason(expect(raw, MqttMessageType.DISCONNECT))).isEqualTo(0x82);
        }
        assertThat(wills.take().payload()).isEqualTo("broken");
    }

    @Test
    void aTakenOverSessionPublishesTheWillOfTheConnectionThatGoes() throws Exception {
        MqttClient first = new MqttClient(broker.mqttUri(), "taken", new MemoryPersistence());
        MqttConnectOptions o = MqttClientSupport.v3Options("guest", "guest");
        o.setWill("wills/taken", utf8("first went"), 1, false);
        first.connect(o);
        MqttClient second = MqttClientSupport.v3(broker.get(), "taken");
        Got g = wills.take();
        assertThat(g.topic()).isEqualTo("wills/taken");
        assertThat(g.payload()).isEqualTo("first went");
        closeQuietly(second, first);
    }

    @Test
    void aNormalDisconnectDiscardsTheWill() throws Exception {
        MqttClient c = new MqttClient(broker.mqttUri(), "polite", new MemoryPersistence());
        MqttConnectOptions o = MqttClientSupport.v3Options("guest", "guest");
        o.setWill("wills/polite", utf8("must not appear"), 1, false);
        c.connect(o);
        c.disconnect();
        c.close();
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_5, "polite-v5", true, 60, -1), "wills/polite", "must not appear",
                MqttQoS.AT_LEAST_ONCE, -1).build());
            raw.send(MqttSessionPackets.disconnect(0x00, -1));
            assertThat(raw.receive()).isNull();
        }
        assertThat(upToMarker("after-polite")).isEmpty();
    }

    @Test
    void aV5DisconnectWithWillMessagePublishesIt() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_5, "disconnect-04", true, 60, -1), "wills/04", "asked for",
                MqttQoS.AT_LEAST_ONCE, -1).build());
            raw.send(MqttSessionPackets.disconnect(0x04, -1));
            assertThat(raw.receive()).isNull();
        }
        assertThat(wills.take().payload()).isEqualTo("asked for");
    }

    @Test
    void aV5WillCarriesItsPropertiesLikeAPublish() throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), "will-props",
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var v5wills = new Inbox();
        var watcher5 = MqttClientSupport.v5(broker.get(), "will-watcher-5");
        watcher5.subscribe(new MqttSubscription[] {new MqttSubscription("wills5/#", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {v5wills});
        MqttConnectionOptions o = MqttClientSupport.v5Options("guest", "guest");
        MqttProperties p = new MqttProperties();
        p.setContentType("text/plain");
        p.setResponseTopic("replies/here");
        p.setCorrelationData("corr-1".getBytes(StandardCharsets.UTF_8));
        p.setPayloadFormat(true);
        p.setMessageExpiryInterval(3600L);
        p.setUserProperties(List.of(new UserProperty("device", "k1")));
        var willMessage = new org.eclipse.paho.mqttv5.common.MqttMessage(utf8("props"), 1, false, null);
        o.setWill("wills5/props", willMessage);
        o.setWillMessageProperties(p);
        c.connect(o);
        c.disconnectForcibly(0, 0, false); // drops the socket without DISCONNECT
        Got g = v5wills.take();
        assertThat(g.payload()).isEqualTo("props");
        assertThat(g.v5().getContentType()).isEqualTo("text/plain");
        assertThat(g.v5().getResponseTopic()).isEqualTo("replies/here");
        assertThat(new String(g.v5().getCorrelationData(), StandardCharsets.UTF_8)).isEqualTo("corr-1");
        assertThat(g.v5().getPayloadFormat()).isTrue();
        assertThat(g.v5().getMessageExpiryInterval()).isBetween(3590L, 3600L);
        assertThat(g.v5().getUserProperties()).contains(new UserProperty("device", "k1"));
        closeQuietly(watcher5, c);
    }

    @Test
    void aDelayedWillGoesOutAfterItsDelayUnlessTheClientComesBackInTime() throws Exception {
        // "back" reconnects to its session before its 2 s delay; "away" does not come back (1 s delay).
        RawMqttClient back = new RawMqttClient(broker.mqttPort());
        accepted(back, withWill(connect(MqttVersion.MQTT_5, "delayed-back", false, 60, 600), "wills/delayed", "back",
            MqttQoS.AT_LEAST_ONCE, 2).build());
        back.close();
        try (RawMqttClient again = new RawMqttClient(broker.mqttPort())) {
            MqttConnAckMessage ack = accepted(again, connect(MqttVersion.MQTT_5, "delayed-back", false, 60, 600).build());
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            try (RawMqttClient away = new RawMqttClient(broker.mqttPort())) {
                accepted(away, withWill(connect(MqttVersion.MQTT_5, "delayed-away", false, 60, 600), "wills/delayed",
                    "away", MqttQoS.AT_LEAST_ONCE, 3).build());
            }
            Got g = wills.take();
            assertThat(g.payload()).as("only the will of the client that stayed away, 3 s later").isEqualTo("away");
            again.send(MqttSessionPackets.disconnect(0, 0));
        }
        assertThat(upToMarker("after-delayed")).isEmpty();
    }

    @Test
    void aDelayedWillGoesOutWhenTheSessionEndsFirst() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_5, "session-first", false, 60, 1), "wills/session-end",
                "session over", MqttQoS.AT_LEAST_ONCE, 3600).build());
        }
        assertThat(wills.take().payload()).as("after the 1 s session expiry, not the hour").isEqualTo("session over");
    }

    @Test
    void aCleanStartTakingOverADelayedWillSessionPublishesTheWillAtOnce() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort())) {
            accepted(raw, withWill(connect(MqttVersion.MQTT_5, "restarted-clean", false, 60, 3600), "wills/clean",
                "session discarded", MqttQoS.AT_LEAST_ONCE, 3600).build());
            try (RawMqttClient clean = new RawMqttClient(broker.mqttPort())) {
                accepted(clean, connect(MqttVersion.MQTT_5, "restarted-clean", true, 60, -1).build());
                assertThat(wills.take().payload()).isEqualTo("session discarded");
            }
        }
    }

    @Test
    void aWillTheUserMayNotPublishIsRefusedAtConnect() throws Exception {
        MqttClient c = new MqttClient(broker.mqttUri(), "no-write", new MemoryPersistence());
        MqttConnectOptions o = MqttClientSupport.v3Options("reader", "pw");
        o.setWill("wills/forbidden", utf8("x"), 0, false);
        try {
            c.connect(o);
            throw new AssertionError("connected");
        } catch (MqttException e) {
            assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        }
        MqttConnectOptions noWill = MqttClientSupport.v3Options("reader", "pw");
        c.connect(noWill);
        assertThat(c.isConnected()).as("the same user without a will").isTrue();
        closeQuietly(c);
    }
}
