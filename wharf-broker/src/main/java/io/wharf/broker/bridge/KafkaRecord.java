package io.wharf.broker.bridge;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageAttributes;
import io.wharf.log.record.Header;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kafka record a message becomes when an x-kafka exchange appends it to its topic: what a Kafka
 * consumer sees of an AMQP publish.
 * <ul>
 *   <li>key: the routing key in UTF-8; null when the routing key is empty;
 *   <li>value: the body (an empty body is an empty value, never null: null would be a tombstone);
 *   <li>timestamp: the message's {@code timestamp} property (AMQP sends seconds; here ms) when set, else
 *       the time the broker received it;
 *   <li>headers: first the headers-table entries whose values are strings, numbers or booleans, each as its
 *       UTF-8 text ({@code 42}, {@code 1.5}, {@code true}) under its own name, in the order the table decoded
 *       to (an AMQP table has none); entries of other types (tables,
 *       arrays, byte arrays, timestamps, void) are left out, as they have no one text a consumer could parse
 *       back; then {@value #PREFIX}{@code content-type}, {@code content-encoding}, {@code correlation-id},
 *       {@code message-id}, {@code reply-to}, {@code type}, {@code app-id}, {@code user-id}, each when set.
 * </ul>
 * Delivery mode, priority and expiration have no Kafka meaning and are dropped; so are Wharf's own storage
 * headers ({@link io.wharf.broker.message.MessageRecords}): the topic belongs to Kafka consumers.
 *
 * <p>The arrays are the message's own, not copies; equality is by identity.
 */
public record KafkaRecord(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    /** Prefix of the headers that carry AMQP's named properties. */
    public static final String PREFIX = "amqp.";
    /**
     * Upper bound of what a record adds to a batch beyond its key, value and headers: the length, attributes,
     * timestamp delta, offset delta, key length, value length and header count, each at its widest varint.
     */
    private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** Upper bound of one header's length prefixes. */
    private static final int HEADER_OVERHEAD = 5 + 5;

    public static KafkaRecord of(Message message, MessageAttributes attributes) {
        byte[] key = message.routingKey().isEmpty() ? null : message.routingKey().getBytes(StandardCharsets.UTF_8);
        long timestamp = attributes.timestampMs() != null ? attributes.timestampMs() : message.timestamp();
        return new KafkaRecord(key, message.body(), timestamp, headers(attributes));
    }

    private static List<Header> headers(MessageAttributes a) {
        List<Header> out = new ArrayList<>(a.headers().size() + 8);
        for (Map.Entry<String, Object> e : a.headers().entrySet()) {
            String text = text(e.getValue());
            if (text != null) out.add(Header.of(e.getKey(), text));
        }
        property(out, "content-type", a.contentType());
        property(out, "content-encoding", a.contentEncoding());
        property(out, "correlation-id", a.correlationId());
        property(out, "message-id", a.messageId());
        property(out, "reply-to", a.replyTo());
        property(out, "type", a.type());
        property(out, "app-id", a.appId());
        property(out, "user-id", a.userId());
        return List.copyOf(out);
    }

    /** A header value's text, or null for a type left out. */
    private static String text(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Boolean b) return b.toString();
        if (value instanceof BigDecimal d) return d.toPlainString(); // AMQP's decimal: never "1E+3"
        if (value instanceof Number n) return n.toString();
        return null;
    }

    private static void property(List<Header> out, String name, String value) {
        if (value != null) out.add(Header.of(PREFIX + name, value));
    }

    /** At least the bytes this record takes in an uncompressed batch, for cutting batches under a size limit. */
    public long sizeUpperBound() {
        long size = RECORD_OVERHEAD + (key == null ? 0 : key.length) + value.length;
        for (Header h : headers) {
            // At most 3 UTF-8 bytes per char (a surrogate pair: 4 bytes for 2 chars).
            size += HEADER_OVERHEAD + 3L * h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
