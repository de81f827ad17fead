package io.wharf.amqp.basic;

import static io.wharf.broker.message.StoredProperties.CONTENT_ENCODING;
import static io.wharf.broker.message.StoredProperties.CONTENT_TYPE;
import static io.wharf.broker.message.StoredProperties.CORRELATION_ID;
import static io.wharf.broker.message.StoredProperties.DELIVERY_MODE;
import static io.wharf.broker.message.StoredProperties.EXPIRATION;
import static io.wharf.broker.message.StoredProperties.HEADERS;
import static io.wharf.broker.message.StoredProperties.PRIORITY;
import static io.wharf.broker.message.StoredProperties.REPLY_TO;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import io.wharf.broker.message.MessageAttributes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the broker acts on out of a content header's basic properties (spec 1.8, the property flags
 * then the present fields in order), without decoding the rest: the properties are stored and sent back
 * byte for byte, so every one of the fourteen and every field type of the headers table round-trips
 * exactly. Only delivery-mode, priority and expiration are read on every publish; the headers table is
 * decoded when a headers exchange or dead-lettering needs it, and every property when a message becomes a
 * Kafka record (an x-kafka exchange).
 */
public final class BasicProperties {
    /** The 10 bytes (weight, body size) the reference client's property parser expects before the flags. */
    private static final byte[] HEADER_PREFIX = new byte[10];

    /** What the broker needs of one message's properties. */
    public record Facts(boolean persistent, int priority, String expiration, String replyTo) {
    }

    private BasicProperties() {
    }

    /**
     * Reads the facts from the raw properties.
     *
     * @throws IllegalArgumentException if the properties end early
     */
    public static Facts facts(byte[] properties) {
        if (properties.length < 2) return new Facts(false, -1, null, null);
        ByteBuffer b = ByteBuffer.wrap(properties);
        int flags = b.getShort() & 0xFFFF;
        int word = flags;
        while ((word & 1) != 0) word = b.getShort() & 0xFFFF; // continuation flag words (unused by 0-9-1)
        try {
            if ((flags & CONTENT_TYPE) != 0) skipShortString(b);
            if ((flags & CONTENT_ENCODING) != 0) skipShortString(b);
            if ((flags & HEADERS) != 0) b.position(b.position() + 4 + b.getInt(b.position()));
            boolean persistent = (flags & DELIVERY_MODE) != 0 && b.get() == 2;
            int priority = (flags & PRIORITY) != 0 ? b.get() & 0xFF : -1;
            if ((flags & CORRELATION_ID) != 0) skipShortString(b);
            String replyTo = null;
            if ((flags & REPLY_TO) != 0) {
                int n = b.get() & 0xFF;
                replyTo = new String(properties, b.position(), n, StandardCharsets.UTF_8);
                b.position(b.position() + n);
            }
            String expiration = null;
            if ((flags & EXPIRATION) != 0) {
                int n = b.get() & 0xFF;
                expiration = new String(properties, b.position(), n, StandardCharsets.UTF_8);
                b.position(b.position() + n);
            }
            return new Facts(persistent, priority, expiration, replyTo);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed content header properties", e);
        }
    }

    /**
     * The properties with {@code reply-to} replaced (it must be present), everything else byte for byte:
     * direct reply-to rewrites it to the name of the requester's channel.
     */
    public static byte[] withReplyTo(byte[] properties, String replyTo) {
        ByteBuffer b = ByteBuffer.wrap(properties);
        int flags = b.getShort() & 0xFFFF;
        if ((flags & REPLY_TO) == 0) throw new IllegalArgumentException("no reply-to to replace");
        if ((flags & CONTENT_TYPE) != 0) skipShortString(b);
        if ((flags & CONTENT_ENCODING) != 0) skipShortString(b);
        if ((flags & HEADERS) != 0) b.position(b.position() + 4 + b.getInt(b.position()));
        if ((flags & DELIVERY_MODE) != 0) b.get();
        if ((flags & PRIORITY) != 0) b.get();
        if ((flags & CORRELATION_ID) != 0) skipShortString(b);
        int start = b.position();
        int end = start + 1 + (properties[start] & 0xFF);
        byte[] value = replyTo.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[properties.length - (end - start) + 1 + value.length];
        System.arraycopy(properties, 0, out, 0, start);
        out[start] = (byte) value.length;
        System.arraycopy(value, 0, out, start + 1, value.length);
        System.arraycopy(properties, end, out, start + 1 + value.length, properties.length - end);
        return out;
    }

    /** The headers table as plain Java values (long strings as Strings), or an empty map. */
    public static Map<String, Object> headers(byte[] properties) {
        AMQP.BasicProperties p = parse(properties);
        return p == null || p.getHeaders() == null ? Map.of() : plain(p.getHeaders());
    }

    /** Every property as a plain value; none for absent or malformed properties. */
    public static MessageAttributes attributes(byte[] properties) {
        AMQP.BasicProperties p = parse(properties);
        if (p == null) return MessageAttributes.NONE;
        return new MessageAttributes(p.getContentType(), p.getContentEncoding(), plain(p.getHeaders()),
            p.getCorrelationId(), p.getReplyTo(), p.getMessageId(),
            p.getTimestamp() == null ? null : p.getTimestamp().getTime(), // the client reads seconds into a Date
            p.getType(), p.getUserId(), p.getAppId());
    }

    /** The reference client's decoding of all fourteen properties, or null if there are none or they are malformed. */
    private static AMQP.BasicProperties parse(byte[] properties) {
        if (properties.length < 2) return null;
        try {
            return new AMQP.BasicProperties(new DataInputStream(new SequenceInputStream(
                new ByteArrayInputStream(HEADER_PREFIX), new ByteArrayInputStream(properties))));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A table with the reference client's {@link LongString}s turned into Strings, recursively. */
    public static Map<String, Object> plain(Map<String, Object> table) {
        if (table == null) return Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, plainValue(v)));
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof LongString s) return s.toString();
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) m;
            return plain(t);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) out.add(plainValue(o));
            return out;
        }
        return v;
    }

    private static void skipShortString(ByteBuffer b) {
        int n = b.get() & 0xFF;
        b.position(b.position() + n);
    }
}
