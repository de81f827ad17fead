package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.broker.security.AccessControl;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access changes reach live MQTT connections, as RabbitMQ's do: deleting a user or the vhost "/" closes the
 * connections it concerns (MQTT 5: DISCONNECT 0x98 Administrative action first); changed permissions apply to
 * the next PUBLISH or SUBSCRIBE; cleared ones close the connection.
 */
class MqttAccessTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    private static AccessControl access() { return broker.server().broker().access(); }

    private static void user(String name) {
        access().addUser(name, "pw", Set.of());
        access().setPermissions("/", name, ".*", ".*", ".*");
    }

    /** A v5 client of {@code user}, and the DISCONNECT it will get. */
    private static org.eclipse.paho.mqttv5.client.MqttClient v5(WharfTestBroker b, String user, String clientId,
                                                                CompletableFuture<MqttDisconnectResponse> lost)
        throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(b.mqttUri(), clientId,
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) { lost.complete(r); }
            @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            @Override public void messageArrived(String t, org.eclipse.paho.mqttv5.common.MqttMessage m) { }
            @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
            @Override public void connectComplete(boolean reconnect, String uri) { }
            @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        c.connect(MqttClientSupport.v5Options(user, "pw"));
        return c;
    }

    private static void awaitDisconnected(MqttClient c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.isConnected() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(c.isConnected()).isFalse();
    }

    @Test
    void deletingAUserClosesTheirConnectionsAndV5HearsAdministrativeAction() throws Exception {
        user("leaver");
        CompletableFuture<MqttDisconnectResponse> lost = new CompletableFuture<>();
        var v5 = v5(broker.get(), "leaver", "leaver-5", lost);
        MqttClient v3 = new MqttClient(broker.mqttUri(), "leaver-3", new MemoryPersistence());
        v3.connect(MqttClientSupport.v3Options("leaver", "pw"));
        MqttClient bystander = MqttClientSupport.v3(broker.get(), "bystander");
        try {
            access().deleteUser("leaver");
            MqttDisconnectResponse r = lost.get(10, TimeUnit.SECONDS);
            assertThat(r.getReturnCode()).as("Administrative action").isEqualTo(0x98);
            assertThat(r.getReasonString()).contains("leaver");
            awaitDisconnected(v3);
            bystander.publish("still/here", utf8("x"), 1, false);
            assertThat(bystander.isConnected()).isTrue();
        } finally {
            closeQuietly(v5, v3, bystander);
        }
    }

    @Test
    void deletingTheVhostClosesItsMqttConnections(@TempDir Path other) throws Exception {
        try (WharfTestBroker own = WharfTestBroker.start(other)) {
            CompletableFuture<MqttDisconnectResponse> lost = new CompletableFuture<>();
            var c = new org.eclipse.paho.mqttv5.client.MqttClient(own.mqttUri(), "in-root",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override public void disconnected(MqttDisconnectResponse r) { lost.complete(r); }
                @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
                @Override public void messageArrived(String t, org.eclipse.paho.mqttv5.common.MqttMessage m) { }
                @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
                @Override public void connectComplete(boolean reconnect, String uri) { }
                @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
            });
            c.connect(MqttClientSupport.v5Options("guest", "guest"));
            own.server().broker().access().deleteVhost("/");
            assertThat(lost.get(10, TimeUnit.SECONDS).getReturnCode()).isEqualTo(0x98);
            closeQuietly(c);
        }
    }

    private static RawMqttClient raw(String user, String clientId) throws Exception {
        RawMqttClient raw = new RawMqttClient(broker.mqttPort());
        raw.send(RawMqttClient.connect(MqttVersion.MQTT_5, clientId, true, 60, user, "pw"));
        MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return raw;
    }

    private static int pubAck(RawMqttClient raw, int packetId) throws Exception {
        raw.send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
            new MqttPublishVariableHeader("perm/t", packetId), Unpooled.wrappedBuffer(utf8("x"))));
        MqttMessage m = raw.receive();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        return ((MqttPubReplyMessageVariableHeader) m.variableHeader()).reasonCode() & 0xFF;
    }

    private static int subAck(RawMqttClient raw, int packetId, String filter) throws Exception {
        raw.send(MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(MqttQoS.AT_LEAST_ONCE, filter).build());
        MqttSubAckMessage m = (MqttSubAckMessage) raw.receive();
        return m.payload().reasonCodes().get(0);
    }

    private static void awaitPermission(String user, String write) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!access().permission("/", user).map(p -> p.write().equals(write)).orElse(false)
            && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void changedPermissionsApplyToTheNextPublishAndSubscribeAndClearedOnesClose() throws Exception {
        user("mover");
        try (RawMqttClient raw = raw("mover", "mover-1")) {
            assertThat(pubAck(raw, 1)).isIn(0x00, 0x10); // success, perhaps with no subscribers
            assertThat(subAck(raw, 2, "perm/a")).isEqualTo(1);

            access().setPermissions("/", "mover", ".*", "^$", "^$"); // may write and read nothing
            awaitPermission("mover", "^$");
            Thread.sleep(100); // the notifier tells the connections after the cache shows it
            assertThat(pubAck(raw, 3)).as("Not authorized").isEqualTo(0x87);
            assertThat(subAck(raw, 4, "perm/b")).as("Not authorized").isEqualTo(0x87);

            access().setPermissions("/", "mover", ".*", ".*", ".*");
            awaitPermission("mover", ".*");
            Thread.sleep(100);
            assertThat(pubAck(raw, 5)).isIn(0x00, 0x10);

            access().clearPermissions("/", "mover");
            MqttMessage m = raw.receive();
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(RawMqttClient.disconnectReason(m)).isEqualTo(0x98);
            assertThat(raw.receive()).isNull();
        }
    }
}
