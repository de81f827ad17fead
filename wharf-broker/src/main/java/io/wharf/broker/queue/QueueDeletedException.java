package io.wharf.broker.queue;

/** The queue was deleted while the operation was on its way. */
public final class QueueDeletedException extends RuntimeException {
    public QueueDeletedException(QueueName name) {
        super("Queue " + name + " was deleted");
    }
}
