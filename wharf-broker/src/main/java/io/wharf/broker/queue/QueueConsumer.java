package io.wharf.broker.queue;

/**
 * A subscriber of a {@link MessageQueue} (an AMQP consumer, an MQTT session, a Kafka share-group member).
 * The queue calls it under the queue's lock: every method must be quick and must not block or call back
 * into the queue; {@link #deliver} hands the message to the consumer's own thread (its connection's event
 * loop) to be written out.
 */
public interface QueueConsumer {
    /** Owner id of this consumer's deliveries, unique in the broker ({@link QueueOwners#next()}). */
    long ownerId();

    /** Whether the queue settles a message as soon as it is delivered (AMQP no-ack, MQTT QoS 0). */
    boolean autoAck();

    /** Whether it takes one more message now (prefetch, receive maximum, flow). */
    boolean hasCredit();

    /** Takes a message; {@code message.redelivered()} tells if it went out before. */
    void deliver(MessageQueue queue, QueueMessage message);

    /** The queue went away (deleted); the consumer is gone from it. */
    default void queueDeleted(MessageQueue queue) {
    }
}
