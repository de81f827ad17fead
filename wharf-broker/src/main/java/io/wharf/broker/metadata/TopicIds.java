package io.wharf.broker.metadata;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * Kafka topic ids: a random (version 4) UUID printed as its 16 bytes in URL-safe base64 without padding,
 * 22 characters. Like Kafka's {@code Uuid.randomUuid()}, ids that would print with a leading '-' (which
 * command-line tools take for an option) and the all-zero "no id" value are never handed out.
 */
final class TopicIds {

    /** Kafka's {@code Uuid.ZERO_UUID} as text: a topic written without a topic id. */
    static final String ZERO = encode(new UUID(0L, 0L));

    private TopicIds() {
    }

    static String random() {
        while (true) {
            String id = encode(UUID.randomUUID());
            if (!id.startsWith("-") && !id.equals(ZERO)) {
                return id;
            }
        }
    }

    static String encode(UUID uuid) {
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
