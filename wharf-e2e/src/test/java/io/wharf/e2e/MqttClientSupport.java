package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/** Paho v3 and v5 clients for a test broker, and a listener that collects what arrives. */
final class MqttClientSupport {
    private MqttClientSupport() {
    }

    /** One message as a client received it; {@code retained} is its RETAIN flag. */
    record Got(String topic, String payload, int qos, boolean dup, org.eclipse.paho.mqttv5.common.packet.MqttProperties v5,
               boolean retained) {
    }

    /** Collects messages; implements both Paho listener interfaces. */
    static final class Inbox implements org.eclipse.paho.client.mqttv3.IMqttMessageListener,
        org.eclipse.paho.mqttv5.client.IMqttMessageListener {
        private final BlockingQueue<Got> got = new LinkedBlockingQueue<>();

        @Override
        public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
            got.add(new Got(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isDuplicate(), null,
                m.isRetained()));
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
            got.add(new Got(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isDuplicate(),
                m.getProperties(), m.isRetained()));
        }

        /** The next {@code n} messages, waiting up to 10 s for each. */
        List<Got> take(int n) throws InterruptedException {
            List<Got> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Got g = got.poll(10, TimeUnit.SECONDS);
                assertThat(g).as("message %d of %d (got %s)", i + 1, n, out).isNotNull();
                out.add(g);
            }
            return out;
        }

        Got take() throws InterruptedException { return take(1).get(0); }

        /** Messages arrived and not taken yet. */
        int count() { return got.size(); }

        /** Nothing has arrived that was not taken. */
        void assertEmpty() { assertThat(got).isEmpty(); }
    }

    static MqttConnectOptions v3Options(String user, String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (user != null) o.setUserName(user);
        if (password != null) o.setPassword(password.toCharArray());
        // Paho v3 completes a synchronous QoS 1 publish before it lowers its in-flight count, so a tight loop
        // of publishes can hit its limit of 10 ("Too many publishes in progress") on a busy machine.
        o.setMaxInflight(1000);
        return o;
    }

    static MqttConnectionOptions v5Options(String user, String password) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (user != null) o.setUserName(user);
        if (password != null) o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        return o;
    }

    /** A 3.1.1 client connected as guest. */
    static MqttClient v3(WharfTestBroker broker, String clientId) throws Exception {
        MqttClient c = new MqttClient(broker.mqttUri(), clientId, new MemoryPersistence());
        c.connect(v3Options("guest", "guest"));
        return c;
    }

    /** An MQTT 5 client connected as guest. */
    static org.eclipse.paho.mqttv5.client.MqttClient v5(WharfTestBroker broker, String clientId) throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.mqttUri(), clientId,
            new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        c.connect(v5Options("guest", "guest"));
        return c;
    }

    /**
     * Collects every message of an MQTT 5 client in one inbox, once each: Paho's per-filter listeners would repeat
     * a message two filters match, and never see one of a shared subscription (Paho matches {@code $share/g/f}
     * literally).
     */
    static Inbox callbackInbox(org.eclipse.paho.mqttv5.client.MqttClient c) {
        Inbox inbox = new Inbox();
        c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                inbox.messageArrived(topic, message);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        return inbox;
    }

    /** As the MQTT 5 {@code callbackInbox}, for a 3.1.1 client (whose callback also gets a resumed session's queue). */
    static Inbox callbackInbox(MqttClient c) {
        Inbox inbox = new Inbox();
        callbackInto(c, inbox);
        return inbox;
    }

    /** As {@link #callbackInbox}, into an inbox that outlives the client (a session reconnecting). */
    static void callbackInto(MqttClient c, Inbox inbox) {
        c.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                inbox.messageArrived(topic, m);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Disconnects and closes Paho clients (v3 or v5), ignoring those already gone. */
    static void closeQuietly(Object... clients) {
        for (Object c : clients) {
            try {
                if (c instanceof MqttClient v3) {
                    if (v3.isConnected()) v3.disconnect();
                    v3.close();
                } else if (c instanceof org.eclipse.paho.mqttv5.client.MqttClient v5) {
                    if (v5.isConnected()) v5.disconnect();
                    v5.close();
                }
            } catch (Exception e) {
                // already gone
            }
        }
    }
}
