package io.wharf.broker.message;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Header;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a {@link Message} is stored as one record of a queue's log, so that any protocol can read it back
 * (what an x-kafka exchange writes to a Kafka topic is a plain Kafka record instead:
 * {@link io.wharf.broker.bridge.KafkaRecord}):
 * <ul>
 *   <li>key: the routing key (UTF-8);
 *   <li>value: the body;
 *   <li>header {@value #EXCHANGE}: the exchange it was published to (UTF-8);
 *   <li>header {@value #PROPERTIES}: the publishing protocol's properties, byte for byte;
 *   <li>header {@value #META}: 10 bytes — flags (bit 0: persistent), the expiration in ms (8 bytes, -1
 *       for none), the priority (1 byte, 0xFF for none);
 *   <li>timestamp: the arrival time.
 * </ul>
 * A record stored under a key of its own ({@link #keyedBatchOf}: a retained message under its MQTT topic)
 * keeps the routing key in the header {@value #ROUTING_KEY}.
 * Records without the Wharf headers (written by a Kafka producer) read back as transient messages on the
 * default exchange with empty properties.
 */
public final class MessageRecords {
    public static final String EXCHANGE = "exchange";
    public static final String PROPERTIES = "properties";
    public static final String META = "meta";
    public static final String ROUTING_KEY = "routing-key";
    private static final int META_SIZE = 10;
    private static final byte PERSISTENT = 1;

    private MessageRecords() {
    }

    /** One uncompressed batch holding {@code message} as a single record. */
    public static ByteBuffer batchOf(Message message) {
        return batchOf(java.util.List.of(message));
    }

    /** One uncompressed batch holding {@code messages} as consecutive records, in order. */
    public static ByteBuffer batchOf(java.util.List<Message> messages) {
        int size = 80;
        for (Message m : messages) size += m.body().length + m.properties().length + m.routingKey().length() + 80;
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE, size);
        for (Message m : messages) {
            builder.append(m.timestamp(), m.routingKey().getBytes(StandardCharsets.UTF_8), m.body(),
                new Header(EXCHANGE, m.exchange().getBytes(StandardCharsets.UTF_8)),
                new Header(PROPERTIES, m.properties()),
                new Header(META, meta(m)));
        }
        return builder.build();
    }

    /** One uncompressed batch holding {@code message} as a single record under {@code key}. */
    public static ByteBuffer keyedBatchOf(String key, Message m) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] routingKey = m.routingKey().getBytes(StandardCharsets.UTF_8);
        return RecordBatchBuilder.newBatch(Compression.NONE, 160 + keyBytes.length + routingKey.length
                + m.body().length + m.properties().length)
            .append(m.timestamp(), keyBytes, m.body(),
                new Header(EXCHANGE, m.exchange().getBytes(StandardCharsets.UTF_8)),
                new Header(PROPERTIES, m.properties()),
                new Header(META, meta(m)),
                new Header(ROUTING_KEY, routingKey))
            .build();
    }

    private static byte[] meta(Message message) {
        byte[] b = new byte[META_SIZE];
        b[0] = message.persistent() ? PERSISTENT : 0;
        long e = message.expirationMs();
        for (int i = 0; i < 8; i++) b[1 + i] = (byte) (e >>> (56 - 8 * i));
        b[9] = (byte) (message.priority() == Message.NO_PRIORITY ? 0xFF : message.priority());
        return b;
    }

    /** The message a record holds; {@code headers} decodes its properties' headers table when asked. */
    public static Message read(Record record, HeadersDecoder headers) {
        String exchange = "";
        byte[] properties = null;
        boolean persistent = false;
        long expiration = Message.NO_EXPIRATION;
        int priority = Message.NO_PRIORITY;
        String routingKey = null;
        for (Header h : record.headers()) {
            switch (h.key()) {
                case EXCHANGE -> exchange = new String(h.value(), StandardCharsets.UTF_8);
                case ROUTING_KEY -> routingKey = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                case PROPERTIES -> properties = h.value();
                case META -> {
                    if (h.value() != null && h.value().length == META_SIZE) {
                        ByteBuffer b = ByteBuffer.wrap(h.value());
                        persistent = (b.get() & PERSISTENT) != 0;
                        expiration = b.getLong();
                        int p = b.get() & 0xFF;
                        priority = p == 0xFF ? Message.NO_PRIORITY : p;
                    }
                }
                default -> { }
            }
        }
        byte[] props = properties;
        return new Message(exchange, routingKey != null ? routingKey : utf8(record.key()), props, bytes(record.value()),
            record.timestamp(), persistent, expiration, priority, () -> props == null ? java.util.Map.of() : headers.headers(props));
    }

    private static String utf8(ByteBuffer b) {
        return b == null ? "" : StandardCharsets.UTF_8.decode(b).toString();
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) return null;
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
