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

    /**
     * Takes one unit of credit for a delivery if it has one (prefetch, receive maximum, flow). A consumer
     * whose credit is shared with other queues (AMQP's per-channel prefetch) must take it atomically. After
     * true the queue either {@link #deliver}s one message or gives the unit back with {@link #creditUnused}.
     */
    boolean reserveCredit();

    /** The unit {@link #reserveCredit} took was not used (the message expired on the way). */
    default void creditUnused() {
    }

    /** Takes a message; {@code message.redelivered()} tells if it went out before. */
    void deliver(MessageQueue queue, QueueMessage message);

    /** Whether it must be the queue's only consumer while it lasts (AMQP's exclusive Basic.Consume). */
    default boolean exclusive() { return false; }

    /**
     * Its priority among the queue's consumers (AMQP's {@code x-priority}): messages go to the highest
     * priority consumers that have credit, in turns; lower ones get what those cannot take.
     */
    default int priority() { return 0; }

    /** The queue went away (deleted); the consumer is gone from it. */
    default void queueDeleted(MessageQueue queue) {
    }
}
