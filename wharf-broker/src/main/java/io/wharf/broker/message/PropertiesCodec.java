package io.wharf.broker.message;

import java.util.List;

/**
 * What the core must do with a message's opaque {@link Message#properties() properties}, done by the
 * protocol that owns their encoding (AMQP's basic properties): read the headers table, read every property
 * as a plain value, and write the properties of a dead-lettered copy.
 */
public interface PropertiesCodec extends HeadersDecoder {
    /** For brokers without such a protocol (tests of the core): no headers, properties kept as they are. */
    PropertiesCodec NONE = new PropertiesCodec() {
        @Override
        public java.util.Map<String, Object> headers(byte[] properties) { return java.util.Map.of(); }

        @Override
        public MessageAttributes attributes(byte[] properties) { return MessageAttributes.NONE; }

        @Override
        public byte[] deadLettered(byte[] properties, Death death) { return properties; }
    };

    /**
     * Every property of a message as a plain value (for a Kafka record); {@link MessageAttributes#NONE} when
     * there are none or they cannot be decoded — a malformed property never stops the message.
     */
    MessageAttributes attributes(byte[] properties);

    /** Why and where a message died: one entry of RabbitMQ's {@code x-death} header. */
    record Death(String queue, String reason, String exchange, List<String> routingKeys, long timeMs) {
    }

    /**
     * The properties of a copy of the message dead-lettered for {@code death}: the {@code x-death} header
     * counts the death (RabbitMQ's layout: one table per queue and reason, newest first, with a count) and
     * {@code x-first-death-*} / {@code x-last-death-*} name it; the per-message expiration is removed, so
     * the copy does not expire again for the same reason.
     */
    byte[] deadLettered(byte[] properties, Death death);
}
