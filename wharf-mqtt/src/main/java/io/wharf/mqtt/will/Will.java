package io.wharf.mqtt.will;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.mqtt.connect.ConnectRefused;
import io.wharf.mqtt.connect.ConnectRefused.Refusal;
import io.wharf.mqtt.publish.InboundPublishes;
import io.wharf.mqtt.session.Session;
import java.util.concurrent.CompletableFuture;

/**
 * The Will Message of a CONNECT (MQTT 5 §3.1.2.5, 3.1.1 §3.1.2.5): published by the broker when the connection
 * ends other than by a DISCONNECT with reason 0x00 — keep-alive expiry, a lost socket, a protocol error, the
 * session taken over, a DISCONNECT with reason 0x04 or any other non-zero one. Its properties are those of a
 * PUBLISH (content type, response topic, correlation data, message expiry, payload format, user properties);
 * the Will Delay Interval is not one of them, it says when to publish ({@link PendingWill}).
 *
 * @param properties the PUBLISH properties (v5), without the Will Delay Interval; none for 3.x
 * @param delaySeconds v5 Will Delay Interval (0 for 3.x), unsigned
 */
public record Will(String topic, int qos, boolean retain, byte[] payload, MqttProperties properties, long delaySeconds) {

    /**
     * The will of a CONNECT, or null if it has none.
     *
     * @throws ConnectRefused for a will topic that is not a valid topic name (v5: 0x90), or Will QoS 3
     */
    public static Will of(MqttConnectMessage connect) {
        MqttConnectVariableHeader h = connect.variableHeader();
        if (!h.isWillFlag()) return null;
        String topic = connect.payload().willTopic();
        try {
            TopicSyntax.MQTT.validateTopic(topic == null ? "" : topic);
        } catch (IllegalArgumentException e) {
            throw new ConnectRefused(Refusal.TOPIC_NAME_INVALID, "the will topic '" + topic + "' is not a valid topic name: "
                + e.getMessage());
        }
        if (h.willQos() > 2) throw new ConnectRefused(Refusal.MALFORMED, "Will QoS " + h.willQos() + " [MQTT-3.1.2-12]");
        MqttProperties props = connect.payload().willProperties();
        MqttProperties publish = new MqttProperties();
        long delay = 0;
        if (props != null) {
            for (MqttProperties.MqttProperty<?> p : props.listAll()) {
                if (p.propertyId() == MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL.value()) {
                    delay = ((Integer) p.value()) & 0xFFFFFFFFL;
                } else {
                    publish.add(p);
                }
            }
        }
        byte[] payload = connect.payload().willMessageInBytes();
        return new Will(topic, h.willQos(), h.isWillRetain(), payload == null ? new byte[0] : payload, publish, delay);
    }

    /** The same will, to be published at once (its session ends with the connection). */
    public Will withoutDelay() {
        return delaySeconds == 0 ? this : new Will(topic, qos, retain, payload, properties, 0);
    }

    /**
     * Publishes the will as the session's client would have: through the same path as an inbound PUBLISH
     * ({@link InboundPublishes#route}), so routing, the AMQP mapping and retained messages treat it alike.
     * Any thread. The write permission was checked at CONNECT, as RabbitMQ does.
     */
    public CompletableFuture<Integer> publish(Session session) {
        return InboundPublishes.route(session, topic, qos, retain, payload, properties);
    }
}
