package io.wharf.broker.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        StringBuilder readable = new StringBuilder();
        for (int i = 0; i < name.length() && readable.length() < READABLE_PREFIX; i++) {
            char c = name.charAt(i);
            readable.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
        }
        return "q~" + readable + "~" + hash();
    }

    /** The name of a durable queue's cursor journal. */
    public String cursorLogName() { return logName() + "~cursor"; }

    private String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((vhost + '\0' + name).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 10; i++) hex.append(String.format("%02x", digest[i]));
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() { return "'" + name + "' in vhost '" + vhost + "'"; }
}
