package io.wharf.mqtt.bridge;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.wharf.broker.bridge.KafkaRecord;
import io.wharf.log.record.Header;
import io.wharf.mqtt.message.MqttMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT application message as a Kafka record, and back — the shape of the Kafka bridge:
 * <ul>
 *   <li>key: the MQTT topic name in UTF-8 (so one MQTT topic's records share a partition, in order);
 *   <li>value: the payload, byte for byte (an empty payload is an empty value, never null);
 *   <li>timestamp: when the broker received the PUBLISH;
 *   <li>headers: the MQTT 5 User Properties in their order, each as a header of its own name and UTF-8 value
 *       (repeated names stay repeated); then, when set, {@value #CONTENT_TYPE}, {@value #RESPONSE_TOPIC},
 *       {@value #CORRELATION_DATA} (the raw bytes), {@value #PAYLOAD_FORMAT} ({@code 0} or {@code 1}) and
 *       {@value #MESSAGE_EXPIRY} (seconds, as published).
 * </ul>
 * Going from Kafka to MQTT the mapping is reversed: headers named as above become those properties again, every
 * other header a User Property (its value as UTF-8; a header that is not valid UTF-8 is left out, as a User
 * Property must be a UTF-8 string). A record published from MQTT thus comes back with the properties it had.
 */
public final class BridgeRecords {
    public static final String CONTENT_TYPE = "mqtt.content-type";
    public static final String RESPONSE_TOPIC = "mqtt.response-topic";
    public static final String CORRELATION_DATA = "mqtt.correlation-data";
    public static final String PAYLOAD_FORMAT = "mqtt.payload-format-indicator";
    public static final String MESSAGE_EXPIRY = "mqtt.message-expiry-interval";

    private BridgeRecords() {
    }

    /** The record of a PUBLISH to {@code topic}; {@code properties} may be {@link MqttProperties#NO_PROPERTIES}. */
    @SuppressWarnings("unchecked")
    public static KafkaRecord toRecord(String topic, byte[] payload, MqttProperties properties, long now) {
        List<Header> headers = new ArrayList<>(4);
        for (MqttProperties.UserProperty p : (List<MqttProperties.UserProperty>) properties
            .getProperties(MqttPropertyType.USER_PROPERTY.value())) {
            headers.add(Header.of(p.value().key, p.value().value));
        }
        if (properties.getProperty(MqttPropertyType.CONTENT_TYPE.value()) instanceof MqttProperties.StringProperty s) {
            headers.add(Header.of(CONTENT_TYPE, s.value()));
        }
        if (properties.getProperty(MqttPropertyType.RESPONSE_TOPIC.value()) instanceof MqttProperties.StringProperty s) {
            headers.add(Header.of(RESPONSE_TOPIC, s.value()));
        }
        if (properties.getProperty(MqttPropertyType.CORRELATION_DATA.value()) instanceof MqttProperties.BinaryProperty b) {
            headers.add(new Header(CORRELATION_DATA, b.value()));
        }
        if (properties.getProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value()) instanceof MqttProperties.IntegerProperty i) {
            headers.add(Header.of(PAYLOAD_FORMAT, Integer.toString(i.value())));
        }
        if (properties.getProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value()) instanceof MqttProperties.IntegerProperty i) {
            headers.add(Header.of(MESSAGE_EXPIRY, Integer.toUnsignedString(i.value())));
        }
        return new KafkaRecord(topic.getBytes(StandardCharsets.UTF_8), payload, now, List.copyOf(headers));
    }

    /** The MQTT 5 properties a record's headers carry (see the class comment); never null. */
    public static MqttProperties properties(List<Header> headers) {
        if (headers.isEmpty()) return MqttProperties.NO_PROPERTIES;
        MqttProperties props = new MqttProperties();
        List<MqttProperties.StringPair> user = new ArrayList<>();
        for (Header h : headers) {
            if (h.value() == null) continue;
            if (h.key().equals(CORRELATION_DATA)) {
                props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), h.value()));
                continue;
            }
            String text = MqttMessages.strictUtf8(h.value());
            if (text == null) continue;
            switch (h.key()) {
                case CONTENT_TYPE -> props.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), text));
                case RESPONSE_TOPIC -> props.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), text));
                case PAYLOAD_FORMAT -> integer(text, 0, 1).ifPresent(v -> props.add(new MqttProperties.IntegerProperty(
                    MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), (int) v)));
                case MESSAGE_EXPIRY -> integer(text, 0, 0xFFFFFFFFL).ifPresent(v -> props.add(new MqttProperties.IntegerProperty(
                    MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), (int) v)));
                default -> user.add(new MqttProperties.StringPair(h.key(), text));
            }
        }
        if (!user.isEmpty()) props.add(new MqttProperties.UserProperties(user));
        return props;
    }

    private static java.util.OptionalLong integer(String text, long min, long max) {
        try {
            long v = Long.parseLong(text.trim());
            return v < min || v > max ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v);
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }
}
