package io.wharf.broker.queue;

/**
 * A consumer was refused: the queue has an exclusive consumer, or an exclusive consumer asked for a queue
 * that already has consumers (AMQP's 403 "in exclusive use").
 */
public final class QueueInUseException extends RuntimeException {
    public QueueInUseException(QueueName name) {
        super("Queue " + name + " is in exclusive use");
    }
}
