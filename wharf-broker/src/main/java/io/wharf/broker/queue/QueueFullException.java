package io.wharf.broker.queue;

/** The queue is at its length limit with {@code x-overflow} reject-publish: the message was not stored. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(QueueName name) {
        super("Queue " + name + " is full (x-overflow reject-publish)");
    }
}
