package io.wharf.broker.queue;

import io.wharf.broker.message.Message;

/**
 * Where a queue's dead letters go: its virtual host, which routes them through the dead-letter exchange.
 * Called outside the queue's lock (routing may enqueue into other queues, or this one).
 */
@FunctionalInterface
public interface DeadLetterSink {
    DeadLetterSink DISCARD = (exchange, message) -> { };

    /** Publishes {@code message} to {@code exchange}; an exchange that does not exist drops it, as RabbitMQ does. */
    void publish(String exchange, Message message);
}
