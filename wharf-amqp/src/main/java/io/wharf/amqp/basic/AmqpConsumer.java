package io.wharf.amqp.basic;

import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.queue.QueueConsumer;
import io.wharf.broker.queue.QueueMessage;
import io.wharf.broker.queue.QueueOwners;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Basic.Consume subscription, as its queue sees it. The queue calls {@link #reserveCredit} and
 * {@link #deliver} under its lock from whichever thread made a message ready; the message is put in this
 * consumer's outbox and the channel's event loop writes it out (one task per burst, not per message).
 *
 * <p>Credit: with acknowledgements, deliveries not yet acknowledged are counted against the consumer's
 * prefetch and the channel's (Basic.Qos, global or not, RabbitMQ's per_consumer_qos meaning); without them
 * (no-ack), against a bound on the outbox. Either way nothing is taken while the socket is not writable
 * (TCP back-pressure) or the channel's flow is off.
 */
final class AmqpConsumer implements QueueConsumer {
    /** No-ack consumers: messages taken but not yet written out, at most. */
    private static final int OUTBOX_LIMIT = 512;

    private final long ownerId = QueueOwners.next();
    private final String tag;
    private final byte[] tagBytes;
    private final MessageQueue queue;
    private final String queueName;
    private final boolean noAck;
    private final boolean exclusive;
    private final int priority;
    private final int prefetch;
    private final Consumers channel;
    private final AtomicInteger unacked = new AtomicInteger();
    private final AtomicInteger outboxSize = new AtomicInteger();
    private final ConcurrentLinkedQueue<QueueMessage> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean cancelled;

    AmqpConsumer(String tag, MessageQueue queue, String queueName, boolean noAck, boolean exclusive, int priority,
                 int prefetch, Consumers channel) {
        this.tag = tag;
        this.tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        this.queue = queue;
        this.queueName = queueName;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.priority = priority;
        this.prefetch = prefetch;
        this.channel = channel;
    }

    String tag() { return tag; }
    byte[] tagBytes() { return tagBytes; }
    MessageQueue queue() { return queue; }
    String queueName() { return queueName; }

    @Override
    public long ownerId() { return ownerId; }

    @Override
    public boolean autoAck() { return noAck; }

    @Override
    public boolean exclusive() { return exclusive; }

    @Override
    public int priority() { return priority; }

    @Override
    public boolean reserveCredit() {
        if (cancelled || !channel.mayDeliver()) return false;
        // Only this queue's lock hands to this consumer, so its own counts need no compare-and-set.
        if (noAck) return outboxSize.get() < OUTBOX_LIMIT;
        if (prefetch != 0 && unacked.get() >= prefetch) return false;
        if (!channel.reserveChannelCredit()) return false;
        unacked.incrementAndGet();
        return true;
    }

    @Override
    public void creditUnused() {
        if (noAck) return;
        unacked.decrementAndGet();
        channel.releaseChannelCredit();
    }

    @Override
    public void deliver(MessageQueue from, QueueMessage message) {
        outboxSize.incrementAndGet();
        outbox.add(message);
        if (drainScheduled.compareAndSet(false, true)) channel.eventLoop().execute(this::drain);
    }

    /** Writes out what the queue has handed over; on the channel's event loop. */
    void drain() {
        drainScheduled.set(false);
        QueueMessage m;
        while ((m = outbox.poll()) != null) {
            outboxSize.decrementAndGet();
            channel.write(this, m);
        }
        channel.flush();
        if (noAck) queue.creditAvailable();
    }

    /** One of this consumer's deliveries was acknowledged, rejected or requeued. */
    void settled() {
        unacked.decrementAndGet();
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public void queueDeleted(MessageQueue q) {
        cancelled = true;
        channel.eventLoop().execute(() -> channel.queueDeleted(this));
    }
}
