package io.wharf.amqp.basic;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.AmqpSettings;
import io.wharf.amqp.channel.Access;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.amqp.frame.FrameWriter;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.message.Message;
import io.wharf.broker.vhost.PublishBatch;
import io.wharf.broker.vhost.Route;
import io.wharf.broker.vhost.VirtualHost;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Basic.Publish on one channel: the content is assembled from its header and body frames, routed through
 * the virtual host, and appended to each queue and to the Kafka topic of each x-kafka exchange it reaches;
 * an unroutable mandatory message comes back as Basic.Return (312 NO_ROUTE). In confirm mode (spec
 * extension {@code confirm.select}) each publish is numbered and acknowledged once every queue holds it as
 * safely as it promises — on disk for a persistent message on a durable queue — and every topic has it in
 * its partition's log (Kafka's acks=1), in one Basic.Ack covering every number below the oldest still
 * pending; a message some destination refused is nacked. In tx mode the messages wait for Tx.Commit.
 * Messages are appended in batches, one per queue and socket read and one per topic partition and socket
 * read. Confined to the connection's event loop.
 */
public final class Publisher {
    private final int channel;
    private final ConnectionOutput connection;
    private final Access access;
    private final AmqpSettings settings;
    private final Consumers consumers;

    private AMQImpl.Basic.Publish pending;
    private Exchange pendingExchange;
    private byte[] pendingProperties;
    private ContentBody pendingBody;
    private boolean expectBody;

    private boolean confirming;
    private long nextSequence = 1;
    private long lastConfirmed;
    private final TreeSet<Long> unconfirmed = new TreeSet<>();
    /** Nacked numbers above {@code lastConfirmed}: the next multiple ack must stop below each. */
    private final TreeSet<Long> nacked = new TreeSet<>();
    /** Per unconfirmed publish: queues yet to store it, and whether one failed. */
    private final Map<Long, int[]> awaiting = new HashMap<>();

    /** Messages routed since the last flush, tagged with their confirm sequence numbers (null: not confirming). */
    private PublishBatch<Long> batch;

    private final Uncommitted uncommitted = new Uncommitted();
    private boolean released;

    /** @param consumers the same channel's consumers (a direct reply-to request names their reply consumer) */
    public Publisher(int channel, ConnectionOutput connection, Access access, AmqpSettings settings, Consumers consumers) {
        this.channel = channel;
        this.consumers = consumers;
        this.connection = connection;
        this.access = access;
        this.settings = settings;
    }

    /** Whether a content header or body frame must come next. */
    public boolean expectsContent() { return pending != null; }

    public boolean confirming() { return confirming; }

    public boolean transactional() { return uncommitted.active(); }

    public void onPublish(AMQImpl.Basic.Publish p) {
        if (p.getImmediate()) {
            throw AmqpException.of(AmqpException.NOT_IMPLEMENTED, "immediate=true", p);
        }
        VirtualHost vhost = connection.vhost();
        Exchange exchange = vhost.exchange(p.getExchange());
        if (exchange == null) {
            throw AmqpException.of(AmqpException.NOT_FOUND, "no exchange '" + p.getExchange() + "' in vhost '"
                + vhost.name() + "'", p);
        }
        if (exchange.definition().internal()) {
            throw AmqpException.of(AmqpException.ACCESS_REFUSED, "cannot publish to internal exchange '"
                + p.getExchange() + "' in vhost '" + vhost.name() + "'", p);
        }
        access.write("exchange", p.getExchange(), p);
        pending = p;
        pendingExchange = exchange;
        connection.publishing();
    }

    /** The content header (spec 4.2.6.1): class, weight, body size, properties. */
    public void onHeader(ByteBuf payload) {
        if (pending == null || expectBody) {
            throw new AmqpException(AmqpException.UNEXPECTED_FRAME, "content header on channel " + channel
                + " without a basic.publish before it", 60, 40);
        }
        if (payload.readableBytes() < 14) {
            throw new AmqpException(AmqpException.FRAME_ERROR, "content header of " + payload.readableBytes()
                + " bytes is too short", 60, 40);
        }
        int classId = payload.readUnsignedShort();
        if (classId != 60) {
            throw new AmqpException(AmqpException.COMMAND_INVALID, "content header for class " + classId
                + ", expected 60 (basic)", 60, 40);
        }
        payload.skipBytes(2); // weight
        long size = payload.readLong();
        if (size < 0 || size > settings.maxMessageBytes()) {
            Method m = pending;
            pending = null;
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "message size " + size
                + " is larger than configured max size " + settings.maxMessageBytes(), m);
        }
        pendingProperties = new byte[payload.readableBytes()];
        payload.readBytes(pendingProperties);
        pendingBody = new ContentBody((int) size);
        expectBody = true;
        if (size == 0) complete();
    }

    public void onBody(ByteBuf payload) {
        if (!expectBody) {
            throw new AmqpException(AmqpException.UNEXPECTED_FRAME, "content body on channel " + channel
                + " without a content header before it", 60, 40);
        }
        if (payload.readableBytes() > pendingBody.remaining()) {
            throw new AmqpException(AmqpException.FRAME_ERROR, "content body is larger than the " + pendingBody.size()
                + " bytes its header announced", 60, 40);
        }
        pendingBody.append(payload);
        if (pendingBody.complete()) complete();
    }

    private void complete() {
        AMQImpl.Basic.Publish p = pending;
        Exchange exchange = pendingExchange;
        byte[] properties = pendingProperties;
        byte[] body = pendingBody.bytes();
        pending = null;
        pendingExchange = null;
        pendingProperties = null;
        pendingBody = null;
        expectBody = false;
        Message message = message(p, properties, body);
        long sequence = confirming ? nextSequence++ : 0;
        if (confirming) unconfirmed.add(sequence);
        uncommitted.run(() -> deliver(p, exchange, message, sequence));
    }

    private Message message(AMQImpl.Basic.Publish p, byte[] properties, byte[] body) {
        BasicProperties.Facts facts;
        try {
            facts = BasicProperties.facts(properties);
        } catch (IllegalArgumentException e) {
            throw new AmqpException(AmqpException.FRAME_ERROR, "malformed content header properties", 60, 40);
        }
        long expiration = Message.NO_EXPIRATION;
        if (facts.expiration() != null) {
            try {
                expiration = Long.parseLong(facts.expiration());
            } catch (NumberFormatException e) {
                expiration = -2;
            }
            if (expiration < 0) {
                throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "invalid expiration '" + facts.expiration()
                    + "': not a non-negative integer", p);
            }
        }
        byte[] stored = properties;
        if (DirectReplyTo.PSEUDO_QUEUE.equals(facts.replyTo())) {
            String replyName = consumers.replyName();
            if (replyName == null) {
                throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "fast reply consumer does not exist", p);
            }
            stored = BasicProperties.withReplyTo(properties, replyName);
        }
        byte[] props = stored;
        return new Message(p.getExchange(), p.getRoutingKey(), props, body, System.currentTimeMillis(),
            facts.persistent(), expiration, facts.priority(), () -> BasicProperties.headers(props));
    }

    private void deliver(AMQImpl.Basic.Publish p, Exchange exchange, Message message, long sequence) {
        if (p.getExchange().isEmpty() && DirectReplyTo.isReplyName(p.getRoutingKey())) {
            Consumers requester = connection.replies().find(p.getRoutingKey());
            if (requester != null) {
                requester.reply(message);
                if (sequence > 0) confirmed(sequence, true);
                return;
            }
            // Its channel is gone: unroutable, like a publish to a queue that does not exist.
        }
        Route route = connection.vhost().route(exchange, message);
        if (route.isEmpty()) {
            if (p.getMandatory()) {
                ByteBuf out = connection.buffer();
                FrameWriter.method(out, channel, new AMQImpl.Basic.Return(312, "NO_ROUTE", p.getExchange(), p.getRoutingKey()));
                FrameWriter.content(out, channel, message.properties(), message.body(), connection.frameMax());
                connection.write(out);
            }
            if (sequence > 0) confirmed(sequence, true);
            return;
        }
        if (sequence > 0) awaiting.put(sequence, new int[] {route.size(), 0});
        batch().add(route, message, sequence > 0 ? sequence : null);
    }

    private PublishBatch<Long> batch() {
        if (batch == null) {
            batch = new PublishBatch<>(connection.vhost(), new PublishBatch.Outcome<>() {
                @Override
                public void queued(CompletableFuture<Void> done, List<Long> sequences) { stored(done, sequences); }

                @Override
                public void topic(Long sequence, boolean stored) { stored(sequence, stored); }
            });
        }
        return batch;
    }

    /**
     * Appends the messages gathered since the last flush ({@link PublishBatch}). Called at the end of each read
     * from the socket, before any other method is handled (so a get or a purge that follows a publish sees it),
     * and at Tx.Commit. Topic appends are done when this returns, as a Kafka produce is: their confirms go out
     * at once.
     */
    public void flushBatch() {
        if (batch != null) batch.flush();
    }

    /** Counts one queue's answer for each of {@code sequences}. */
    private void stored(CompletableFuture<Void> done, List<Long> sequences) {
        if (done.isDone()) {
            stored(sequences, !done.isCompletedExceptionally());
        } else {
            done.whenComplete((v, e) -> connection.eventLoop().execute(() -> {
                stored(sequences, e == null);
                connection.flush();
            }));
        }
    }

    private void stored(List<Long> sequences, boolean ok) {
        for (long sequence : sequences) stored(sequence, ok);
    }

    /** Counts one destination's answer for publish {@code sequence}; the last answer confirms it. */
    private void stored(long sequence, boolean ok) {
        int[] left = awaiting.get(sequence);
        if (left == null) return;
        if (!ok) left[1] = 1;
        if (--left[0] == 0) {
            awaiting.remove(sequence);
            confirmed(sequence, left[1] == 0);
        }
    }

    /**
     * Settles one publish. A nack goes out at once, for that number alone; acks go out as one multiple
     * Basic.Ack per run of settled numbers, each run ending below a nacked number so that no ack covers a
     * publish already nacked.
     */
    private void confirmed(long sequence, boolean ok) {
        if (released || !unconfirmed.remove(sequence)) return;
        if (!ok) {
            connection.send(channel, new AMQImpl.Basic.Nack(sequence, false, false));
            nacked.add(sequence);
        }
        long upTo = unconfirmed.isEmpty() ? nextSequence - 1 : unconfirmed.first() - 1;
        while (lastConfirmed < upTo) {
            Long nack = nacked.pollFirst();
            long runEnd = nack == null || nack > upTo ? upTo : nack - 1;
            if (nack != null && nack > upTo) nacked.add(nack);
            if (runEnd > lastConfirmed) {
                connection.send(channel, new AMQImpl.Basic.Ack(runEnd, runEnd > lastConfirmed + 1));
            }
            lastConfirmed = runEnd == upTo ? upTo : nack;
        }
    }

    public void confirmSelect(AMQImpl.Confirm.Select s) {
        if (uncommitted.active()) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "cannot switch from tx to confirm mode", s);
        }
        confirming = true;
        if (!s.getNowait()) connection.send(channel, new AMQImpl.Confirm.SelectOk());
    }

    public void txSelect() { uncommitted.select(); }

    public void txCommit() {
        uncommitted.commit();
        flushBatch();
    }

    public void txRollback() { uncommitted.rollback(); }

    /** The channel is gone: nothing more is confirmed on it. */
    public void release() {
        flushBatch(); // what was published before the channel went away is stored, as RabbitMQ would
        released = true;
        uncommitted.rollback();
        pending = null;
    }
}
