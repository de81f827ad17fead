package io.wharf.broker.queue;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A queue's dead letters on their way to its dead-letter exchange ({@code x-dead-letter-exchange}): the
 * queue adds them under its lock, and publishes them once the lock is released, since routing them may
 * enqueue into any queue — this one included. The copy is routed with {@code x-dead-letter-routing-key},
 * or the message's own routing key, and its properties record the death ({@link PropertiesCodec#deadLettered}).
 * Without a dead-letter exchange nothing is kept. Thread-safe.
 */
final class DeadLetters {
    private final QueueName queue;
    private final QueueSettings settings;
    private final PropertiesCodec codec;
    private final DeadLetterSink sink;
    private List<Message> pending = new ArrayList<>();

    DeadLetters(QueueName queue, QueueSettings settings, PropertiesCodec codec, DeadLetterSink sink) {
        this.queue = queue;
        this.settings = settings;
        this.codec = codec;
        this.sink = sink;
    }

    /** Records that {@code message} died here for {@code reason} (expired, maxlen, rejected). */
    void add(Message message, String reason) {
        String dlx = settings.deadLetterExchange();
        if (dlx == null) return;
        long now = System.currentTimeMillis();
        String key = settings.deadLetterRoutingKey() != null ? settings.deadLetterRoutingKey() : message.routingKey();
        byte[] properties = codec.deadLettered(message.properties(), new PropertiesCodec.Death(queue.name(), reason,
            message.exchange(), List.of(message.routingKey()), now));
        Message copy = message.reroutedAs(dlx, key, properties, now, () -> codec.headers(properties));
        synchronized (this) {
            pending.add(copy);
        }
    }

    /** Publishes what was added; call without holding the queue's lock. */
    void publish() {
        List<Message> batch;
        synchronized (this) {
            if (pending.isEmpty()) return;
            batch = pending;
            pending = new ArrayList<>();
        }
        for (Message m : batch) sink.publish(m.exchange(), m);
    }
}
