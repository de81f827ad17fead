package io.wharf.broker.queue;

import java.util.Objects;

/**
 * A queue's identity: its virtual host and its name, which may be any string (AMQP allows 255 bytes of
 * UTF-8, MQTT session queues are named after client ids). {@link #logName()} maps it onto a log name that
 * is safe as a directory name and can never be a Kafka topic's: a {@code '~'} (not allowed in Kafka topic
 * names), a readable prefix of the name, and a hash of the whole identity.
 */
public record QueueName(String vhost, String name) {
    private static final int READABLE_PREFIX = 48;

    public QueueName {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
    }

    /** The name of the queue's message log ({@code q~<readable>~<hash>}). */
    public String logName() {
        return "q~" + LogNames.readable(name, READABLE_PREFIX) + "~" + LogNames.hash(vhost + '\0' + name);
    }

    /** The name of a durable queue's cursor journal. */
    public String cursorLogName() { return logName() + "~cursor"; }

    @Override
    public String toString() { return "'" + name + "' in vhost '" + vhost + "'"; }
}
