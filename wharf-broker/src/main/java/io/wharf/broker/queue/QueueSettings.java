package io.wharf.broker.queue;

/**
 * What a queue was declared with, in protocol-neutral terms (AMQP's {@code x-} arguments map onto it).
 *
 * @param messageTtlMs        {@code x-message-ttl}: how long a message may wait, or -1
 * @param expiresMs           {@code x-expires}: how long the queue may go unused before it is deleted, or -1
 * @param maxLength           {@code x-max-length}: ready messages kept at most, or -1
 * @param maxLengthBytes      {@code x-max-length-bytes}: body bytes of ready messages kept at most, or -1
 * @param overflow            what happens at a limit
 * @param deadLetterExchange  {@code x-dead-letter-exchange}, or null
 * @param deadLetterRoutingKey {@code x-dead-letter-routing-key}, or null (keep the message's own)
 * @param maxPriority         {@code x-max-priority}, or -1 for a queue without priorities
 * @param singleActiveConsumer {@code x-single-active-consumer}
 */
public record QueueSettings(boolean durable, boolean autoDelete, long messageTtlMs, long expiresMs, long maxLength,
                            long maxLengthBytes, Overflow overflow, String deadLetterExchange,
                            String deadLetterRoutingKey, int maxPriority, boolean singleActiveConsumer) {

    /** {@code x-overflow}. */
    public enum Overflow { DROP_HEAD, REJECT_PUBLISH, REJECT_PUBLISH_DLX }

    /** A plain queue: no limits, no TTL, no dead-lettering. */
    public static QueueSettings plain(boolean durable, boolean autoDelete) {
        return new QueueSettings(durable, autoDelete, -1, -1, -1, -1, Overflow.DROP_HEAD, null, null, -1, false);
    }
}
