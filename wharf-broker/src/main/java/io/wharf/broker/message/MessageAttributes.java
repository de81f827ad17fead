package io.wharf.broker.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's properties as plain values, decoded from its opaque {@link Message#properties() properties}
 * by the protocol that owns their encoding ({@link PropertiesCodec#attributes}). The fields are AMQP's basic
 * properties, which the core's message model follows; null means "not set". Decoded only when a message
 * leaves the broker in another protocol's shape (a Kafka record written by an x-kafka exchange), never on
 * the path from publisher to queue.
 *
 * @param headers     the headers table with long strings as Strings (values may be null: AMQP's void)
 * @param timestampMs the message's own timestamp property in ms since the epoch (AMQP sends seconds)
 */
public record MessageAttributes(String contentType, String contentEncoding, Map<String, Object> headers,
                                String correlationId, String replyTo, String messageId, Long timestampMs,
                                String type, String userId, String appId) {
    /** No property set. */
    public static final MessageAttributes NONE = new MessageAttributes(null, null, Map.of(), null, null, null, null,
        null, null, null);

    public MessageAttributes {
        // Not Map.copyOf: a header may be void (null).
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
