package io.wharf.mqtt.message;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.broker.message.Message;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.wharf.broker.message.StoredProperties;

/**
 * An MQTT application message as the broker stores it, and back, following RabbitMQ's MQTT plugin:
 * <ul>
 *   <li>body: the payload, byte for byte; routing key: the topic mapped by {@link TopicMapping};
 *   <li>QoS 1 and 2 publishes are persistent (delivery-mode 2), QoS 0 transient (1); the QoS itself is the
 *       header {@value #QOS_HEADER} (a byte);
 *   <li>MQTT 5 properties: Content Type → content-type; Correlation Data → correlation-id when it is UTF-8
 *       of at most 255 bytes, else the byte-array header {@value #CORRELATION_HEADER}; Response Topic →
 *       reply-to, mapped like a topic; Message Expiry Interval → expiration (milliseconds), so queues expire
 *       it; Payload Format Indicator → header {@value #FORMAT_HEADER}; User Properties → string headers
 *       (the first of repeated names), and when a name repeats also {@value #USER_PROPERTIES_HEADER}, every pair
 *       in order, which is what goes out to MQTT subscribers.
 * </ul>
 * The MQTT flags that outlive the publish are headers too: {@value #RETAIN_HEADER} (true) when it was published
 * with RETAIN, for subscriptions with Retain As Published; {@value #PUBLISHER_HEADER}, the publisher's client
 * identifier, when that client has No Local subscriptions, which must not get it back; and
 * {@value #RETAINED_FOR_HEADER}, the filter of the subscription a retained message is delivered for, on the
 * copy that SUBSCRIBE puts in the session's queue.
 *
 * <p>Going out to MQTT the mapping is reversed; a message published by another protocol is delivered with
 * QoS 1 if persistent, else 0 (then capped by the subscription), its string and number headers as user
 * properties, and its remaining expiry time.
 */
public final class MqttMessages {
    public static final String QOS_HEADER = "x-mqtt-publish-qos";
    public static final String FORMAT_HEADER = "x-mqtt-payload-format-indicator";
    public static final String CORRELATION_HEADER = "x-correlation-id";
    public static final String RETAIN_HEADER = "x-mqtt-retain";
    public static final String PUBLISHER_HEADER = "x-mqtt-publisher";
    /** Every User Property in order, as name, value, name, value, ...: only when a name repeats. */
    public static final String USER_PROPERTIES_HEADER = "x-mqtt-user-properties";
    public static final String RETAINED_FOR_HEADER = "x-mqtt-retained-for";
    private static final String MQTT_PREFIX = "x-mqtt-";
    /**
     * The stored properties of a PUBLISH without v5 properties nor a No Local publisher — nearly every one — by
     * QoS and retain flag, encoded once: such messages share the (immutable) bytes and their decoding.
     */
    private static final Plain[][] PLAIN = new Plain[3][2];

    private record Plain(StoredProperties decoded, byte[] encoded, Map<String, Object> headers) {
    }

    static {
        for (int qos = 0; qos < 3; qos++) {
            for (int retain = 0; retain < 2; retain++) {
                Map<String, Object> headers = new LinkedHashMap<>();
                headers.put(QOS_HEADER, (byte) qos);
                if (retain == 1) headers.put(RETAIN_HEADER, true);
                Map<String, Object> view = java.util.Collections.unmodifiableMap(headers);
                StoredProperties p = new StoredProperties(null, view, qos > 0 ? 2 : 1, null, null, null);
                PLAIN[qos][retain] = new Plain(p, p.encode(), view);
            }
        }
    }

    private MqttMessages() {
    }

    /**
     * A message to be delivered to an MQTT client: its topic, the QoS it was published with, v5 properties.
     *
     * @param retain      whether it was published with RETAIN
     * @param publisher   the publishing client's identifier if it was marked for No Local, else null
     * @param retainedFor the filter of the subscription this is the retained message for, else null
     */
    public record Outgoing(String topic, int publishQos, MqttProperties properties, byte[] payload, boolean retain,
                           String publisher, String retainedFor) {
    }

    /**
     * The broker message of a PUBLISH.
     *
     * @param v5 the PUBLISH's properties (MQTT 5), or {@link MqttProperties#NO_PROPERTIES}
     */
    public static Message fromPublish(String exchange, String topic, int qos, byte[] payload, MqttProperties v5, long now) {
        return fromPublish(exchange, topic, qos, false, null, payload, v5, now);
    }

    /**
     * The broker message of a PUBLISH with its retain flag, and its publisher's client identifier when that
     * client has No Local subscriptions (else null).
     */
    public static Message fromPublish(String exchange, String topic, int qos, boolean retain, String publisher,
                                      byte[] payload, MqttProperties v5, long now) {
        return fromPublish(exchange, topic, TopicMapping.toRoutingKey(topic), qos, retain, publisher, payload, v5, now);
    }

    /** As {@link #fromPublish(String, String, int, boolean, String, byte[], MqttProperties, long)}, its routing key known. */
    public static Message fromPublish(String exchange, String topic, String routingKey, int qos, boolean retain,
                                      String publisher, byte[] payload, MqttProperties v5, long now) {
        if (publisher == null && v5.isEmpty()) {
            Plain plain = PLAIN[qos][retain ? 1 : 0];
            Map<String, Object> headers = plain.headers();
            return new Message(exchange, routingKey, plain.encoded(), payload, now, qos > 0, Message.NO_EXPIRATION,
                Message.NO_PRIORITY, () -> headers);
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(QOS_HEADER, (byte) qos);
        if (retain) headers.put(RETAIN_HEADER, true);
        if (publisher != null) headers.put(PUBLISHER_HEADER, publisher);
        String contentType = stringProperty(v5, MqttProperties.MqttPropertyType.CONTENT_TYPE);
        if (contentType != null && !StoredProperties.fitsShortString(contentType)) {
            headers.put("x-mqtt-content-type", contentType);
            contentType = null;
        }
        String correlationId = null;
        byte[] correlation = binaryProperty(v5, MqttProperties.MqttPropertyType.CORRELATION_DATA);
        if (correlation != null) {
            String text = strictUtf8(correlation);
            if (text != null && correlation.length <= 255) correlationId = text;
            else headers.put(CORRELATION_HEADER, correlation);
        }
        String replyTo = stringProperty(v5, MqttProperties.MqttPropertyType.RESPONSE_TOPIC);
        if (replyTo != null) {
            replyTo = TopicMapping.toRoutingKey(replyTo);
            if (!StoredProperties.fitsShortString(replyTo)) {
                headers.put("x-mqtt-response-topic", replyTo);
                replyTo = null;
            }
        }
        Integer format = intProperty(v5, MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR);
        if (format != null) headers.put(FORMAT_HEADER, (byte) (int) format);
        long expirationMs = Message.NO_EXPIRATION;
        Integer expiry = intProperty(v5, MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        if (expiry != null) expirationMs = (expiry & 0xFFFFFFFFL) * 1000;
        List<MqttProperties.UserProperty> user = userProperties(v5);
        boolean repeated = false;
        for (MqttProperties.UserProperty p : user) {
            repeated |= headers.putIfAbsent(p.value().key, p.value().value) != null;
        }
        if (repeated) {
            // A name may come more than once, and the order must hold [MQTT-3.3.2-18]: the headers keep the first
            // of each name (for AMQP consumers), this array every pair in order (for MQTT subscribers).
            List<String> pairs = new ArrayList<>(user.size() * 2);
            for (MqttProperties.UserProperty p : user) {
                pairs.add(p.value().key);
                pairs.add(p.value().value);
            }
            headers.put(USER_PROPERTIES_HEADER, pairs);
        }
        StoredProperties stored = new StoredProperties(contentType, headers, qos > 0 ? 2 : 1, correlationId, replyTo,
            expirationMs == Message.NO_EXPIRATION ? null : Long.toString(expirationMs));
        byte[] encoded = stored.encode();
        Map<String, Object> headersView = java.util.Collections.unmodifiableMap(headers);
        return new Message(exchange, routingKey, encoded, payload, now, qos > 0, expirationMs,
            Message.NO_PRIORITY, () -> headersView);
    }

    /**
     * What goes out to an MQTT client for a stored message.
     *
     * @param v5 whether the client speaks MQTT 5 (else no properties are built)
     */
    public static Outgoing toPublish(Message m, boolean v5, long now) {
        return toPublish(m, TopicMapping.toTopic(m.routingKey()), v5, now);
    }

    /** As {@link #toPublish(Message, boolean, long)}, the topic its routing key maps to known. */
    public static Outgoing toPublish(Message m, String topic, boolean v5, long now) {
        StoredProperties p = decode(m.properties());
        int qos = p.headers().get(QOS_HEADER) instanceof Number n ? Math.max(0, Math.min(2, n.intValue()))
            : m.persistent() ? 1 : 0;
        boolean retain = Boolean.TRUE.equals(p.headers().get(RETAIN_HEADER));
        String publisher = p.headers().get(PUBLISHER_HEADER) instanceof String s ? s : null;
        String retainedFor = p.headers().get(RETAINED_FOR_HEADER) instanceof String s ? s : null;
        if (!v5) return new Outgoing(topic, qos, MqttProperties.NO_PROPERTIES, m.body(), retain, publisher, retainedFor);
        MqttProperties props = new MqttProperties();
        String contentType = p.contentType() != null ? p.contentType()
            : p.headers().get("x-mqtt-content-type") instanceof String s ? s : null;
        if (contentType != null) props.add(new MqttProperties.StringProperty(
            MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), contentType));
        byte[] correlation = p.correlationId() != null ? p.correlationId().getBytes(StandardCharsets.UTF_8)
            : p.headers().get(CORRELATION_HEADER) instanceof byte[] b ? b : null;
        if (correlation != null) props.add(new MqttProperties.BinaryProperty(
            MqttProperties.MqttPropertyType.CORRELATION_DATA.value(), correlation));
        String replyTo = p.replyTo() != null ? p.replyTo()
            : p.headers().get("x-mqtt-response-topic") instanceof String s ? s : null;
        if (replyTo != null) props.add(new MqttProperties.StringProperty(
            MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value(), TopicMapping.toTopic(replyTo)));
        if (p.headers().get(FORMAT_HEADER) instanceof Number n) props.add(new MqttProperties.IntegerProperty(
            MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), n.intValue()));
        if (m.expirationMs() >= 0) {
            long leftMs = m.timestamp() + m.expirationMs() - now;
            int seconds = (int) Math.max(1, Math.min(0xFFFFFFFFL, (leftMs + 999) / 1000));
            props.add(new MqttProperties.IntegerProperty(
                MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), seconds));
        }
        List<MqttProperties.StringPair> user = new ArrayList<>();
        if (p.headers().get(USER_PROPERTIES_HEADER) instanceof List<?> pairs) {
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                user.add(new MqttProperties.StringPair(String.valueOf(pairs.get(i)), String.valueOf(pairs.get(i + 1))));
            }
        } else {
            p.headers().forEach((k, v) -> {
                if (k.startsWith(MQTT_PREFIX) || k.equals(CORRELATION_HEADER)) return;
                if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                    user.add(new MqttProperties.StringPair(k, String.valueOf(v)));
                }
            });
        }
        if (!user.isEmpty()) props.add(new MqttProperties.UserProperties(user));
        return new Outgoing(topic, qos, props, m.body(), retain, publisher, retainedFor);
    }

    /**
     * A copy of a retained message for the session queue of a client that subscribed with {@code filter}: marked
     * with {@value #RETAINED_FOR_HEADER}, so that it goes out with RETAIN set, at that subscription's QoS.
     */
    public static Message retainedFor(Message retained, String filter) {
        StoredProperties p;
        try {
            p = StoredProperties.decode(retained.properties());
        } catch (IllegalArgumentException e) {
            p = StoredProperties.NONE;
        }
        Map<String, Object> headers = new LinkedHashMap<>(p.headers());
        headers.put(RETAINED_FOR_HEADER, filter);
        StoredProperties copy = new StoredProperties(p.contentType(), headers, p.deliveryMode(), p.correlationId(),
            p.replyTo(), p.expiration());
        Map<String, Object> headersView = java.util.Collections.unmodifiableMap(headers);
        return new Message(retained.exchange(), retained.routingKey(), copy.encode(), retained.body(),
            retained.timestamp(), retained.persistent(), retained.expirationMs(), retained.priority(), () -> headersView);
    }

    /** The properties of a stored message: those of a plain PUBLISH without decoding them again. */
    private static StoredProperties decode(byte[] properties) {
        for (Plain[] byQos : PLAIN) {
            for (Plain plain : byQos) {
                if (properties == plain.encoded() || java.util.Arrays.equals(properties, plain.encoded())) {
                    return plain.decoded();
                }
            }
        }
        try {
            return StoredProperties.decode(properties);
        } catch (IllegalArgumentException e) {
            return StoredProperties.NONE;
        }
    }

    private static String stringProperty(MqttProperties props, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p != null && p.value() instanceof String s ? s : null;
    }

    private static byte[] binaryProperty(MqttProperties props, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p != null && p.value() instanceof byte[] b ? b : null;
    }

    private static Integer intProperty(MqttProperties props, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p != null && p.value() instanceof Integer i ? i : null;
    }

    @SuppressWarnings("unchecked")
    private static List<MqttProperties.UserProperty> userProperties(MqttProperties props) {
        return (List<MqttProperties.UserProperty>) props.getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value());
    }

    /** {@code bytes} as text if they are well-formed UTF-8 (what an MQTT string must be), else null. */
    public static String strictUtf8(byte[] bytes) {
        return strictUtf8(ByteBuffer.wrap(bytes));
    }

    /** As {@link #strictUtf8(byte[])}, reading {@code bytes} from its position to its limit. */
    public static String strictUtf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
