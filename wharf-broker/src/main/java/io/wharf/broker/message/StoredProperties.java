package io.wharf.broker.message;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties of a stored message, in the one layout every Wharf front-end reads: AMQP 0-9-1 basic
 * properties (spec 4.2.6.1 and 4.2.5.5, the property flags then the present fields in order, the headers a
 * field table). AMQP consumers receive the stored bytes as they are, and the broker core's
 * {@code PropertiesCodec} (AMQP's) reads their headers and rewrites them for dead-lettering — so what
 * another protocol publishes (MQTT) is stored in this layout, as RabbitMQ's MQTT plugin converts it. The
 * flag constants are the layout's, for readers that pick single fields out (AMQP's publish path).
 *
 * <p>This class writes and reads only the fields MQTT has a use for: content-type, headers, delivery-mode,
 * correlation-id, reply-to and expiration; the others are skipped when reading. Header values written are
 * long strings, byte arrays, signed bytes, ints, longs and booleans; every field type of the specification
 * can be read (decimals and timestamps come back as their raw numbers).
 *
 * @param headers header table, in order; never null
 * @param deliveryMode 1 (transient), 2 (persistent) or 0 for none
 */
public record StoredProperties(String contentType, Map<String, Object> headers, int deliveryMode, String correlationId,
                               String replyTo, String expiration) {
    public static final int CONTENT_TYPE = 1 << 15;
    public static final int CONTENT_ENCODING = 1 << 14;
    public static final int HEADERS = 1 << 13;
    public static final int DELIVERY_MODE = 1 << 12;
    public static final int PRIORITY = 1 << 11;
    public static final int CORRELATION_ID = 1 << 10;
    public static final int REPLY_TO = 1 << 9;
    public static final int EXPIRATION = 1 << 8;
    private static final int SHORTSTR_MAX = 255;
    public static final StoredProperties NONE = new StoredProperties(null, Map.of(), 0, null, null, null);

    public StoredProperties {
        headers = headers == null ? Map.of() : headers;
    }

    /** Whether {@code s} fits a short string (at most 255 bytes of UTF-8). */
    public static boolean fitsShortString(String s) {
        return s.length() <= SHORTSTR_MAX / 3 || s.getBytes(StandardCharsets.UTF_8).length <= SHORTSTR_MAX;
    }

    /**
     * The properties in the wire layout.
     *
     * @throws IllegalArgumentException if a short string field is over 255 bytes (see {@link #fitsShortString})
     */
    public byte[] encode() {
        int flags = 0;
        if (contentType != null) flags |= CONTENT_TYPE;
        if (!headers.isEmpty()) flags |= HEADERS;
        if (deliveryMode != 0) flags |= DELIVERY_MODE;
        if (correlationId != null) flags |= CORRELATION_ID;
        if (replyTo != null) flags |= REPLY_TO;
        if (expiration != null) flags |= EXPIRATION;
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(flags >>> 8);
        out.write(flags);
        if (contentType != null) shortString(out, contentType);
        if (!headers.isEmpty()) table(out, headers);
        if (deliveryMode != 0) out.write(deliveryMode);
        if (correlationId != null) shortString(out, correlationId);
        if (replyTo != null) shortString(out, replyTo);
        if (expiration != null) shortString(out, expiration);
        return out.toByteArray();
    }

    /**
     * Reads stored properties; empty bytes (a Kafka record's) are {@link #NONE}.
     *
     * @throws IllegalArgumentException if the properties end early or hold an unknown field type
     */
    public static StoredProperties decode(byte[] properties) {
        if (properties.length < 2) return NONE;
        try {
            ByteBuffer b = ByteBuffer.wrap(properties);
            int flags = b.getShort() & 0xFFFF;
            int word = flags;
            while ((word & 1) != 0) word = b.getShort() & 0xFFFF; // continuation words: unused by 0-9-1
            String contentType = (flags & CONTENT_TYPE) != 0 ? shortString(b) : null;
            if ((flags & CONTENT_ENCODING) != 0) shortString(b);
            Map<String, Object> headers = (flags & HEADERS) != 0 ? table(b) : Map.of();
            int deliveryMode = (flags & DELIVERY_MODE) != 0 ? b.get() & 0xFF : 0;
            if ((flags & PRIORITY) != 0) b.get();
            String correlationId = (flags & CORRELATION_ID) != 0 ? shortString(b) : null;
            String replyTo = (flags & REPLY_TO) != 0 ? shortString(b) : null;
            String expiration = (flags & EXPIRATION) != 0 ? shortString(b) : null;
            return new StoredProperties(contentType, headers, deliveryMode, correlationId, replyTo, expiration);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed message properties: " + e, e);
        }
    }

    // ---- writing ----

    private static void shortString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > SHORTSTR_MAX) throw new IllegalArgumentException("'" + s + "' is over 255 bytes");
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static void table(ByteArrayOutputStream out, Map<String, Object> table) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        table.forEach((name, value) -> {
            shortString(entries, name);
            value(entries, value);
        });
        int32(out, entries.size());
        out.writeBytes(entries.toByteArray());
    }

    private static void value(ByteArrayOutputStream out, Object v) {
        if (v instanceof String s) {
            out.write('S');
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int32(out, bytes.length);
            out.writeBytes(bytes);
        } else if (v instanceof byte[] bytes) {
            out.write('x');
            int32(out, bytes.length);
            out.writeBytes(bytes);
        } else if (v instanceof Byte n) {
            out.write('b');
            out.write(n);
        } else if (v instanceof Integer n) {
            out.write('I');
            int32(out, n);
        } else if (v instanceof Long n) {
            out.write('l');
            int32(out, (int) (n >>> 32));
            int32(out, n.intValue());
        } else if (v instanceof Boolean flag) {
            out.write('t');
            out.write(flag ? 1 : 0);
        } else if (v instanceof List<?> items) {
            out.write('A');
            ByteArrayOutputStream array = new ByteArrayOutputStream();
            for (Object item : items) value(array, item);
            int32(out, array.size());
            out.writeBytes(array.toByteArray());
        } else {
            throw new IllegalArgumentException("no header type for " + v.getClass().getName());
        }
    }

    private static void int32(ByteArrayOutputStream out, int n) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
    }

    // ---- reading ----

    private static String shortString(ByteBuffer b) {
        int n = b.get() & 0xFF;
        String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("a field of " + n + " bytes runs past the end");
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static Map<String, Object> table(ByteBuffer b) {
        ByteBuffer t = ByteBuffer.wrap(bytes(b));
        Map<String, Object> out = new LinkedHashMap<>();
        while (t.hasRemaining()) {
            String name = shortString(t);
            out.put(name, value(t));
        }
        return out;
    }

    private static Object value(ByteBuffer b) {
        int type = b.get();
        return switch (type) {
            case 't' -> b.get() != 0;
            case 'b' -> b.get();
            case 'B' -> b.get() & 0xFF;
            case 's' -> b.getShort();
            case 'u' -> b.getShort() & 0xFFFF;
            case 'I' -> b.getInt();
            case 'i' -> b.getInt() & 0xFFFFFFFFL;
            case 'l', 'T' -> b.getLong();
            case 'f' -> b.getFloat();
            case 'd' -> b.getDouble();
            case 'D' -> {
                int scale = b.get() & 0xFF;
                yield java.math.BigDecimal.valueOf(b.getInt(), scale);
            }
            case 'S' -> new String(bytes(b), StandardCharsets.UTF_8);
            case 'x' -> bytes(b);
            case 'F' -> table(ByteBuffer.wrap(withLength(bytes(b))));
            case 'A' -> array(ByteBuffer.wrap(bytes(b)));
            case 'V' -> null;
            default -> throw new IllegalArgumentException("unknown field type '" + (char) type + "'");
        };
    }

    private static byte[] withLength(byte[] table) {
        ByteBuffer b = ByteBuffer.allocate(4 + table.length);
        b.putInt(table.length).put(table);
        return b.array();
    }

    private static List<Object> array(ByteBuffer b) {
        List<Object> out = new ArrayList<>();
        while (b.hasRemaining()) out.add(value(b));
        return out;
    }
}
