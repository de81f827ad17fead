package io.wharf.broker.vhost;

import io.wharf.broker.bridge.KafkaRecord;
import io.wharf.broker.bridge.TopicBatch;
import io.wharf.broker.message.Message;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.queue.QueueSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What one publisher (an AMQP channel, an MQTT connection) routed since its last flush, gathered so that each
 * queue gets one append — one log batch, one write — for many messages, and each Kafka topic partition of an
 * x-kafka exchange likewise ({@link TopicBatch}). The publisher flushes at the end of each socket read and
 * before anything that could look at the result (a get, a purge, a subscription change); the batch flushes
 * itself when it passes {@value #MAX_BYTES} bytes. A queue that may refuse single messages (a reject-publish
 * length limit) takes each at once, so that only the refused ones fail.
 *
 * <p>Each message carries a tag of the publisher's — an AMQP confirm sequence number, an MQTT acknowledgement —
 * or null when nobody waits for it; {@link Outcome} gets the tags back with each destination's answer.
 * Not thread-safe: confined to the publisher's thread.
 */
public final class PublishBatch<T> {
    public static final int MAX_BYTES = 256 * 1024;

    /** How the destinations answer, on the publisher's thread (the futures may complete later, elsewhere). */
    public interface Outcome<T> {
        /** A queue appended the messages with {@code tags} (never empty); {@code done} is {@link MessageQueue#enqueue}'s. */
        void queued(CompletableFuture<Void> done, List<T> tags);

        /** A Kafka topic took the message with {@code tag}, or refused it. */
        void topic(T tag, boolean stored);
    }

    private static final class Pending<T> {
        final List<Message> messages = new ArrayList<>();
        List<T> tags;
    }

    private final VirtualHost vhost;
    private final Outcome<T> outcome;
    private Map<MessageQueue, Pending<T>> queues = new LinkedHashMap<>();
    private TopicBatch<T> topicBatch;
    private int bytes;

    public PublishBatch(VirtualHost vhost, Outcome<T> outcome) {
        this.vhost = vhost;
        this.outcome = outcome;
    }

    /**
     * Gathers {@code message} for every destination of {@code route}. Returns the most messages now waiting in
     * this batch for one of its queues: appended at the next flush, not yet in any queue's {@code backlog}.
     */
    public int add(Route route, Message message, T tag) {
        int most = 0;
        List<MessageQueue> to = route.queues();
        for (int i = 0, n = to.size(); i < n; i++) {
            MessageQueue q = to.get(i);
            if (q.settings().overflow() != QueueSettings.Overflow.DROP_HEAD) {
                CompletableFuture<Void> done = q.enqueue(message);
                if (tag != null) outcome.queued(done, List.of(tag));
                continue;
            }
            Pending<T> p = queues.get(q);
            if (p == null) {
                p = new Pending<>();
                queues.put(q, p);
            }
            p.messages.add(message);
            most = Math.max(most, p.messages.size());
            if (tag != null) {
                if (p.tags == null) p.tags = new ArrayList<>();
                p.tags.add(tag);
            }
        }
        if (!route.topics().isEmpty()) {
            if (topicBatch == null) topicBatch = vhost.kafkaTopics().newBatch();
            for (String topic : route.topics()) topicBatch.add(topic, message, tag);
        }
        bytes += message.size() * route.size();
        if (bytes >= MAX_BYTES) {
            flush();
            return 0;
        }
        return most;
    }

    /**
     * Gathers a record another protocol made itself (MQTT's bridge to Kafka) for each of {@code topics}; its
     * outcome comes as {@link Outcome#topic}, like an x-kafka exchange's.
     */
    public void add(List<String> topics, KafkaRecord record, T tag) {
        if (topicBatch == null) topicBatch = vhost.kafkaTopics().newBatch();
        for (String topic : topics) topicBatch.add(topic, record, tag);
        bytes += (int) Math.min(MAX_BYTES, record.sizeUpperBound()) * topics.size();
        if (bytes >= MAX_BYTES) flush();
    }

    public boolean isEmpty() { return queues.isEmpty() && (topicBatch == null || topicBatch.isEmpty()); }

    /**
     * Appends what was gathered, one batch per queue and per topic partition, and reports the outcomes. Topic
     * appends are done when this returns, as a Kafka produce is.
     */
    public void flush() {
        bytes = 0;
        if (!queues.isEmpty()) {
            // Swapped out first: even after a failure nothing is appended twice.
            Map<MessageQueue, Pending<T>> batch = queues;
            queues = new LinkedHashMap<>();
            for (Map.Entry<MessageQueue, Pending<T>> e : batch.entrySet()) {
                Pending<T> p = e.getValue();
                CompletableFuture<Void> done = e.getKey().enqueue(p.messages);
                if (p.tags != null) outcome.queued(done, p.tags);
            }
        }
        if (topicBatch != null) {
            topicBatch.flush((tag, ok) -> {
                if (tag != null) outcome.topic(tag, ok);
            });
        }
    }
}
