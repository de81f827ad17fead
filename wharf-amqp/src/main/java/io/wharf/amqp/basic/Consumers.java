package io.wharf.amqp.basic;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.channel.Access;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.amqp.frame.FrameWriter;
import io.wharf.broker.message.Message;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.queue.QueueDeletedException;
import io.wharf.broker.queue.QueueInUseException;
import io.wharf.broker.queue.QueueMessage;
import io.wharf.broker.queue.QueueOwners;
import io.wharf.broker.vhost.VhostException;
import io.wharf.broker.vhost.VirtualHost;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consuming half of the basic class on one channel (spec 1.8): consume, cancel, qos, get, and the
 * settlement of deliveries — ack, nack, reject (multiple or not, requeue or not) and recover. Delivery tags
 * are numbered per channel from 1; each unacknowledged one remembers its queue, offset and consumer. When
 * the channel goes away its consumers are cancelled and its unacknowledged deliveries requeued (they go
 * out again with {@code redelivered} set). Confined to the connection's event loop, except the few
 * methods {@link AmqpConsumer} calls from a queue's thread ({@link #mayDeliver}, {@link #reserveChannelCredit},
 * {@link #releaseChannelCredit}).
 */
public final class Consumers {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A delivery not yet settled. {@code consumer} is null for Basic.Get. */
    private record Unacked(MessageQueue queue, long offset, AmqpConsumer consumer) {
    }

    private final int channel;
    private final ConnectionOutput connection;
    private final Access access;
    private final long getOwner = QueueOwners.next();
    private final Map<String, AmqpConsumer> consumers = new LinkedHashMap<>();
    private final NavigableMap<Long, Unacked> unacked = new TreeMap<>();
    private final AtomicInteger channelUnacked = new AtomicInteger();
    private long nextDeliveryTag = 1;
    private String lastDeclaredQueue = "";
    private int consumerPrefetch;
    private volatile int channelPrefetch;
    private volatile boolean flowActive = true;
    private final Uncommitted uncommitted = new Uncommitted();
    private final PendingAcks pendingAcks = new PendingAcks();
    /** Direct reply-to: the consumer tag of this channel's reply consumer and the name replies go to. */
    private String replyTag;
    private String replyName;

    public Consumers(int channel, ConnectionOutput connection, Access access) {
        this.channel = channel;
        this.connection = connection;
        this.access = access;
    }

    /** The queue an empty queue name means (spec 1.7.2.1: the last queue declared on the channel). */
    public String lastDeclaredQueue() { return lastDeclaredQueue; }

    public void declared(String queue) { lastDeclaredQueue = queue; }

    public void onMethod(Method m) {
        pendingAcks.apply(); // what follows (a get, a recover, a cancel) sees the acks before it
        try {
            if (m instanceof AMQImpl.Basic.Consume c) consume(c);
            else if (m instanceof AMQImpl.Basic.Cancel c) cancel(c);
            else if (m instanceof AMQImpl.Basic.Qos q) qos(q);
            else if (m instanceof AMQImpl.Basic.Get g) get(g);
            else if (m instanceof AMQImpl.Basic.Recover r) recover(r.getRequeue(), true, m);
            else if (m instanceof AMQImpl.Basic.RecoverAsync r) recover(r.getRequeue(), false, m);
            else throw AmqpException.of(AmqpException.COMMAND_INVALID, "'" + m.protocolMethodName() + "' is not valid here", m);
        } catch (VhostException e) {
            throw Access.translate(e, m);
        }
    }

    private void consume(AMQImpl.Basic.Consume c) {
        if (c.getQueue().equals(DirectReplyTo.PSEUDO_QUEUE)) {
            consumeReplies(c);
            return;
        }
        String queueName = c.getQueue().isEmpty() ? lastDeclaredQueue : c.getQueue();
        VirtualHost vhost = connection.vhost();
        VirtualHost.LiveQueue q = vhost.requireQueue(queueName, connection.id());
        access.read("queue", queueName, c);
        String tag = c.getConsumerTag().isEmpty() ? serverTag() : c.getConsumerTag();
        if (consumers.containsKey(tag)) {
            throw AmqpException.of(AmqpException.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'", c);
        }
        AmqpConsumer consumer = new AmqpConsumer(tag, q.queue(), queueName, c.getNoAck(), c.getExclusive(),
            priority(c), consumerPrefetch, this);
        consumers.put(tag, consumer);
        try {
            q.queue().addConsumer(consumer);
        } catch (QueueDeletedException e) {
            consumers.remove(tag);
            throw AmqpException.of(AmqpException.NOT_FOUND, "no queue '" + queueName + "' in vhost '" + vhost.name() + "'", c);
        } catch (QueueInUseException e) {
            consumers.remove(tag);
            throw AmqpException.of(AmqpException.ACCESS_REFUSED, "queue '" + queueName + "' in vhost '" + vhost.name()
                + "' in exclusive use", c);
        }
        // Still ahead of the first delivery: the queue's hand-over is written by a later event-loop task.
        if (!c.getNowait()) connection.send(channel, new AMQImpl.Basic.ConsumeOk(tag));
    }

    /** Basic.Consume of the direct reply-to pseudo-queue: no queue, just a name that routes here. */
    private void consumeReplies(AMQImpl.Basic.Consume c) {
        if (!c.getNoAck()) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "reply consumer cannot acknowledge", c);
        }
        if (replyTag != null) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "reply consumer already set", c);
        }
        String tag = c.getConsumerTag().isEmpty() ? serverTag() : c.getConsumerTag();
        if (consumers.containsKey(tag)) {
            throw AmqpException.of(AmqpException.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'", c);
        }
        replyTag = tag;
        replyName = connection.replies().register(this);
        if (!c.getNowait()) connection.send(channel, new AMQImpl.Basic.ConsumeOk(tag));
    }

    /** The reply-to name this channel's requests carry, or null without a reply consumer. */
    String replyName() { return replyName; }

    /** A reply for this channel's reply consumer (called on any thread). */
    void reply(Message reply) {
        connection.eventLoop().execute(() -> {
            if (replyName == null) return; // cancelled meanwhile: the reply is lost, as in RabbitMQ
            ByteBuf out = connection.buffer();
            FrameWriter.deliver(out, channel, replyTag.getBytes(java.nio.charset.StandardCharsets.UTF_8), nextDeliveryTag++,
                false, reply.exchange(), reply.routingKey());
            FrameWriter.content(out, channel, reply.properties(), reply.body(), connection.frameMax());
            connection.write(out);
            connection.flush();
        });
    }

    private void stopReplies() {
        connection.replies().unregister(replyName);
        replyName = null;
        replyTag = null;
    }

    /** The consumer argument {@code x-priority} (RabbitMQ's consumer priorities); 0 without it. */
    private static int priority(AMQImpl.Basic.Consume c) {
        Object p = c.getArguments() == null ? null : c.getArguments().get("x-priority");
        if (p == null) return 0;
        if (p instanceof Byte || p instanceof Short || p instanceof Integer || p instanceof Long) {
            long v = ((Number) p).longValue();
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return (int) v;
        }
        throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "invalid arg 'x-priority' for consumer: " + p
            + " is not an integer", c);
    }

    private static String serverTag() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "amq.ctag-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void cancel(AMQImpl.Basic.Cancel c) {
        if (c.getConsumerTag().equals(replyTag)) stopReplies();
        AmqpConsumer consumer = consumers.get(c.getConsumerTag());
        if (consumer != null) {
            stop(consumer);
            // The queue gave these to the consumer before it was cancelled: they go out before Cancel-Ok
            // (after it, nothing may arrive for the tag), which is what a pipelined Consume + Cancel sees.
            consumer.drain();
            consumers.remove(c.getConsumerTag());
        }
        if (!c.getNowait()) connection.send(channel, new AMQImpl.Basic.CancelOk(c.getConsumerTag()));
    }

    /** After this the queue hands the consumer nothing more (removal takes the queue's lock). */
    private void stop(AmqpConsumer consumer) {
        consumer.cancel();
        consumer.queue().removeConsumer(consumer);
        VirtualHost.LiveQueue live = connection.vhost().queue(consumer.queueName());
        if (live != null && live.queue() == consumer.queue()) connection.vhost().lastConsumerGone(live);
    }

    private void qos(AMQImpl.Basic.Qos q) {
        // A byte limit is not offered, as in RabbitMQ: it could starve a consumer of any message bigger.
        if (q.getPrefetchSize() != 0) {
            throw AmqpException.of(AmqpException.NOT_IMPLEMENTED, "prefetch_size!=0 (" + q.getPrefetchSize() + ")", q);
        }
        if (q.getGlobal()) {
            channelPrefetch = q.getPrefetchCount();
            for (AmqpConsumer c : consumers.values()) c.queue().creditAvailable();
        } else {
            consumerPrefetch = q.getPrefetchCount();
        }
        connection.send(channel, new AMQImpl.Basic.QosOk());
    }

    private void get(AMQImpl.Basic.Get g) {
        String queueName = g.getQueue().isEmpty() ? lastDeclaredQueue : g.getQueue();
        VirtualHost.LiveQueue q = connection.vhost().requireQueue(queueName, connection.id());
        access.read("queue", queueName, g);
        QueueMessage m = q.queue().get(getOwner, g.getNoAck()).orElse(null);
        if (m == null) {
            connection.send(channel, new AMQImpl.Basic.GetEmpty(""));
            return;
        }
        long tag = nextDeliveryTag++;
        if (!g.getNoAck()) {
            unacked.put(tag, new Unacked(q.queue(), m.offset(), null));
            channelUnacked.incrementAndGet();
        }
        Message msg = m.message();
        ByteBuf out = connection.buffer();
        FrameWriter.method(out, channel, new AMQImpl.Basic.GetOk(tag, m.redelivered(), msg.exchange(), msg.routingKey(),
            (int) Math.min(Integer.MAX_VALUE, q.queue().messageCount())));
        FrameWriter.content(out, channel, msg.properties(), msg.body(), connection.frameMax());
        connection.write(out);
    }

    // ---- settlement ----

    public void ack(long tag, boolean multiple, Method m) {
        settle(tag, multiple, m, true, false);
    }

    public void reject(long tag, boolean multiple, boolean requeue, Method m) {
        // Rejected without requeue: settled, and dead-lettered where the queue says so.
        settle(tag, multiple, m, false, requeue);
    }

    /**
     * Outside tx mode the deliveries are settled now. In tx mode the tag is checked now and the deliveries
     * stay unacknowledged until Tx.Commit (Tx.Rollback leaves them so, as RabbitMQ does).
     */
    private void settle(long tag, boolean multiple, Method m, boolean ack, boolean requeue) {
        if (!uncommitted.active()) {
            if (ack) {
                acknowledgeAtReadEnd(take(tag, multiple, m));
                return;
            }
            pendingAcks.apply();
            apply(take(tag, multiple, m), false, requeue);
            return;
        }
        if (!multiple && !unacked.containsKey(tag)) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "unknown delivery tag " + tag, m);
        }
        uncommitted.run(() -> apply(take(tag, multiple, null), ack, requeue));
    }

    /** Removes the deliveries a tag names; {@code m} null: whatever is still there, without complaint. */
    private List<Unacked> take(long tag, boolean multiple, Method m) {
        List<Unacked> out = new ArrayList<>();
        if (multiple) {
            NavigableMap<Long, Unacked> head = tag == 0 ? unacked : unacked.headMap(tag, true);
            out.addAll(head.values());
            head.clear();
        } else {
            Unacked u = unacked.remove(tag);
            if (u == null) {
                if (m == null) return out;
                throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "unknown delivery tag " + tag, m);
            }
            out.add(u);
        }
        if (out.isEmpty() && tag != 0 && m != null) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "unknown delivery tag " + tag, m);
        }
        return out;
    }

    /** Acknowledgements outside a transaction: the channel's credit is freed now, the queues hear at read end. */
    private void acknowledgeAtReadEnd(List<Unacked> deliveries) {
        for (Unacked u : deliveries) {
            pendingAcks.add(u.queue(), u.offset());
            channelUnacked.decrementAndGet();
            if (u.consumer() != null) u.consumer().settled();
        }
    }

    /**
     * Requeues deliveries ({@code requeue}), or settles them as acknowledged ({@code ack}) or rejected
     * (neither), queue by queue.
     */
    private void apply(List<Unacked> deliveries, boolean ack, boolean requeue) {
        Map<MessageQueue, long[]> byQueue = new HashMap<>();
        Map<MessageQueue, Integer> counts = new HashMap<>();
        for (Unacked u : deliveries) {
            long[] offsets = byQueue.computeIfAbsent(u.queue(), k -> new long[deliveries.size()]);
            int n = counts.merge(u.queue(), 1, Integer::sum);
            offsets[n - 1] = u.offset();
            channelUnacked.decrementAndGet();
            if (u.consumer() != null) u.consumer().settled();
        }
        byQueue.forEach((queue, offsets) -> {
            int n = counts.get(queue);
            if (requeue) queue.requeue(offsets, n);
            else if (ack) queue.ack(offsets, n);
            else queue.reject(offsets, n);
        });
        // Credit freed on this channel may let any of its consumers take more, on any queue.
        for (AmqpConsumer c : consumers.values()) {
            if (!byQueue.containsKey(c.queue())) c.queue().creditAvailable();
        }
    }

    private void recover(boolean requeue, boolean answer, Method m) {
        // Redelivering to the same consumer without requeueing is not offered, as in RabbitMQ.
        if (!requeue) throw AmqpException.of(AmqpException.NOT_IMPLEMENTED, "requeue=false", m);
        List<Unacked> all = new ArrayList<>(unacked.values());
        unacked.clear();
        apply(all, false, true);
        if (answer) connection.send(channel, new AMQImpl.Basic.RecoverOk());
    }

    public void txSelect() { uncommitted.select(); }

    public void txCommit() { uncommitted.commit(); }

    public void txRollback() { uncommitted.rollback(); }

    public void flow(boolean active) {
        flowActive = active;
        if (active) for (AmqpConsumer c : consumers.values()) c.queue().creditAvailable();
    }

    // ---- called by AmqpConsumer ----

    boolean mayDeliver() { return flowActive && connection.isWritable(); }

    /**
     * Takes one unacknowledged slot of the channel's prefetch. Consumers on different queues call this
     * under different locks, hence the compare-and-set: a check then an increment would let two of them
     * share the last slot.
     */
    boolean reserveChannelCredit() {
        int limit = channelPrefetch;
        while (true) {
            int n = channelUnacked.get();
            if (limit != 0 && n >= limit) return false;
            if (channelUnacked.compareAndSet(n, n + 1)) return true;
        }
    }

    void releaseChannelCredit() { channelUnacked.decrementAndGet(); }

    EventLoop eventLoop() { return connection.eventLoop(); }

    void flush() { connection.flush(); }

    /** Writes one delivery (on the event loop); a consumer cancelled meanwhile gives it back. */
    void write(AmqpConsumer consumer, QueueMessage m) {
        if (consumers.get(consumer.tag()) != consumer) {
            if (!consumer.autoAck()) {
                consumer.settled();
                channelUnacked.decrementAndGet();
                consumer.queue().requeue(new long[] {m.offset()}, 1);
            }
            return;
        }
        long tag = nextDeliveryTag++;
        if (!consumer.autoAck()) unacked.put(tag, new Unacked(consumer.queue(), m.offset(), consumer));
        Message msg = m.message();
        ByteBuf out = connection.buffer();
        FrameWriter.deliver(out, channel, consumer.tagBytes(), tag, m.redelivered(), msg.exchange(), msg.routingKey());
        FrameWriter.content(out, channel, msg.properties(), msg.body(), connection.frameMax());
        connection.write(out);
    }

    /** The consumer's queue was deleted: the client is told (consumer_cancel_notify). */
    void queueDeleted(AmqpConsumer consumer) {
        if (consumers.remove(consumer.tag()) == consumer) {
            connection.send(channel, new AMQImpl.Basic.Cancel(consumer.tag(), true));
            connection.flush();
        }
    }

    /** Applies what a read gathered: the acknowledgements, then credit to every consumer on another queue. */
    public void readComplete() {
        if (pendingAcks.isEmpty()) return;
        List<AmqpConsumer> others = new ArrayList<>();
        for (AmqpConsumer c : consumers.values()) if (!pendingAcks.touches(c.queue())) others.add(c);
        pendingAcks.apply();
        // Credit freed on this channel may let any of its consumers take more, on any queue (an ack's own
        // queue dispatches by itself).
        for (AmqpConsumer c : others) c.queue().creditAvailable();
    }

    /** The socket drained: consumers may take messages again. */
    public void writable() {
        for (AmqpConsumer c : consumers.values()) c.queue().creditAvailable();
    }

    /** The channel is gone: consumers cancelled, every unacknowledged delivery requeued. */
    public void release() {
        pendingAcks.apply();
        stopReplies();
        for (AmqpConsumer c : List.copyOf(consumers.values())) stop(c);
        consumers.clear();
        uncommitted.rollback();
        Map<MessageQueue, List<Long>> byQueue = new HashMap<>();
        for (Unacked u : unacked.values()) byQueue.computeIfAbsent(u.queue(), k -> new ArrayList<>()).add(u.offset());
        unacked.clear();
        byQueue.forEach((q, offsets) -> q.requeue(offsets.stream().mapToLong(Long::longValue).toArray(), offsets.size()));
    }
}
