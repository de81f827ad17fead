package io.wharf.mqtt.publish;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.wharf.broker.message.Message;
import io.wharf.broker.net.BacklogFlow;
import io.wharf.broker.queue.QueueFullException;
import io.wharf.broker.security.Permission;
import io.wharf.broker.vhost.PublishBatch;
import io.wharf.broker.vhost.Route;
import io.wharf.mqtt.bridge.KafkaExport;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.connection.PacketOutput;
import io.wharf.mqtt.message.MqttMessages;
import io.wharf.mqtt.message.TopicMapping;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.Session;
import io.wharf.mqtt.subscribe.SubscriptionTable;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUBLISH from the client, and the inbound QoS flows (MQTT 5 §4.3):
 * <ul>
 *   <li>QoS 0: routed through the exchange, nothing answered;
 *   <li>QoS 1: PUBACK once every queue it reached holds it as safely as it promises (on disk for a durable
 *       queue: the future {@code VirtualHost#publish} returns);
 *   <li>QoS 2: PUBREC the same way; the packet identifier is remembered until PUBREL, and a PUBLISH re-sent
 *       with it before then is answered again but not routed again — exactly once. PUBREL is answered with
 *       PUBCOMP (v5: 0x92 for an identifier not known).
 * </ul>
 * Acknowledgements leave in the order the PUBLISHes came [MQTT-4.6.0-2], even when a later one is stored
 * first. Write permission on the exchange is checked per publish (RabbitMQ's rule); a refused QoS 1 or 2
 * publish gets reason 0x87 (v5), a refused QoS 0 publish — and any refusal on 3.x, which has no way to say
 * it — closes the connection. A publish no queue takes is acknowledged (v5: 0x10 No matching subscribers).
 * A PUBLISH with RETAIN also replaces (an empty payload: clears) its topic's retained message, and is
 * acknowledged once that too is stored ({@link RetainedMessages}); it still goes to the current subscribers as a
 * normal message, an empty one included (MQTT 5 §3.3.1.3), carrying its retain flag for Retain As Published.
 * Everything an MQTT client publishes goes through {@link #route} — a Last Will too.
 *
 * <p>The PUBLISHes of one socket read are routed one by one but appended together, one log batch per queue
 * ({@link PublishBatch}), when the connection calls {@link #flushBatch}: at the end of the read, and before any
 * packet that is not a PUBLISH. A QoS 0 publish costs no future and no callback. After each publish the
 * connection's {@link BacklogFlow} looks at the queues it went to, and stops reading while their consumers lag.
 *
 * <p>The QoS 2 identifiers awaiting PUBREL outlive the connection with a session that does
 * ({@link #awaitingRelease}, {@link #resume}). Confined to the connection's event loop.
 */
public final class InboundPublishes {
    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishes.class);

    /**
     * An acknowledgement waiting for its publish to be stored — by every queue and topic it was routed to, and
     * the retained store — or for those before it.
     */
    private static final class PendingAck {
        final MqttMessageType type;
        final int packetId;
        /** Destinations that took the publish (v5: none is 0x10 No matching subscribers). */
        int destinations;
        /** Answers still to come. */
        int awaiting;
        Throwable failure;
        /** QoS 2: the store of the first PUBLISH, which a re-sent one waits for; else null. */
        CompletableFuture<Integer> stored;
        boolean done;
        byte reason;

        PendingAck(MqttMessageType type, int packetId) {
            this.type = type;
            this.packetId = packetId;
        }
    }

    private final Session session;
    private final PacketOutput out;
    private final SubscriptionTable subscriptions;
    private final BacklogFlow flow;
    private final PublishBatch<PendingAck> batch;
    private final ArrayDeque<PendingAck> pending = new ArrayDeque<>(4);
    /** QoS 2 packet identifiers received, not yet released, with the store of their first PUBLISH; made at the first. */
    private Map<Integer, CompletableFuture<Integer>> awaitingRelease;
    private boolean closed;
    // The last topic and what it maps to, and the last permission checked: a publisher tends to repeat both.
    private String lastTopic;
    private String lastRoutingKey;
    private Permission lastPermission;
    private boolean lastMayWrite;

    /**
     * @param subscriptions the session's, for No Local: its publishes name their publisher when one has it
     * @param flow          holds the connection back while the queues it publishes to lag; null: never
     */
    public InboundPublishes(Session session, PacketOutput out, SubscriptionTable subscriptions, BacklogFlow flow) {
        this.session = session;
        this.out = out;
        this.subscriptions = subscriptions;
        this.flow = flow;
        this.batch = new PublishBatch<>(session.vhost(), new PublishBatch.Outcome<>() {
            @Override
            public void queued(CompletableFuture<Void> done, List<PendingAck> acks) { answered(done, acks); }

            @Override
            public void topic(PendingAck ack, boolean stored) {
                answered(ack, stored ? null : new IllegalStateException("a Kafka topic refused the record"));
            }
        });
    }

    public void onPublish(MqttPublishMessage m) {
        int qos = m.fixedHeader().qosLevel().value();
        int packetId = m.variableHeader().packetId();
        String topic = m.variableHeader().topicName();
        if (!mayWrite()) {
            refused(qos, packetId, topic);
            return;
        }
        if (qos == 2) {
            CompletableFuture<Integer> first = awaitingRelease == null ? null : awaitingRelease.get(packetId);
            if (first != null) {
                // A re-sent PUBLISH before PUBREL [MQTT-4.3.3-10]: acknowledged, not routed again.
                acknowledge(MqttMessageType.PUBREC, packetId, first);
                return;
            }
        }
        byte[] payload = new byte[m.payload().readableBytes()];
        m.payload().getBytes(m.payload().readerIndex(), payload);
        boolean retain = m.fixedHeader().isRetain();
        Message message = MqttMessages.fromPublish(session.exchange().name(), topic, routingKey(topic), qos, retain,
            publisher(), payload, m.variableHeader().properties(), System.currentTimeMillis());
        Route route = session.vhost().route(session.exchange(), message);
        List<String> toKafka = session.export().topicsFor(topic); // the bridge's topics: destinations too
        PendingAck ack = null;
        if (qos > 0) {
            ack = new PendingAck(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId);
            ack.destinations = route.size() + toKafka.size();
            ack.awaiting = route.size() + toKafka.size() + (retain ? 1 : 0);
            pending.add(ack);
            if (qos == 2) {
                ack.stored = new CompletableFuture<>();
                awaiting().put(packetId, ack.stored);
            }
        }
        if (retain) retainedStored(ack, topic, session.retained().published(topic, message));
        int batched = route.isEmpty() ? 0 : batch.add(route, message, ack);
        if (!toKafka.isEmpty()) batch.add(toKafka, session.export().record(topic, payload, m.variableHeader().properties()), ack);
        if (ack != null && !ack.done && ack.awaiting == 0) finish(ack); // nothing (left) to wait for
        if (flow != null) flow.published(route.queues(), batched);
    }

    /** Appends what this read's PUBLISHes routed (see the class comment); acknowledges what that stored. */
    public void flushBatch() {
        if (!batch.isEmpty()) batch.flush();
    }

    /**
     * Routes an application message of {@code session}'s client through the exchange and stores it, at once
     * rather than in a read's batch: what a will ({@code Will#publish}) does, so that what applies to a publish
     * applies to it. With {@code retain} the message also becomes (an empty one: clears) the topic's retained
     * message ({@link Session#retained}), and it is appended to the Kafka topics of {@link Session#export}. The
     * future completes, with the number of queues and topics that took the message, once all of it is as safe as
     * it asks; permissions are the caller's to check. Any thread.
     *
     * @param properties the MQTT 5 properties, or {@link MqttProperties#NO_PROPERTIES}
     */
    public static CompletableFuture<Integer> route(Session session, String topic, int qos, boolean retain, byte[] payload,
                                                   MqttProperties properties) {
        Message message = MqttMessages.fromPublish(session.exchange().name(), topic, qos, retain, null, payload,
            properties, System.currentTimeMillis());
        CompletableFuture<Integer> routed = session.vhost().publish(session.exchange(), message);
        CompletableFuture<Integer> exported = session.export().append(topic, payload, properties);
        if (exported != KafkaExport.NOTHING) routed = routed.thenCombine(exported, Integer::sum);
        if (!retain) return routed;
        return routed.thenCombine(session.retained().published(topic, message), (queues, v) -> queues);
    }

    private boolean mayWrite() {
        Permission now = session.permission();
        if (now != lastPermission) {
            lastMayWrite = now.canWrite(Permission.exchangeResource(session.exchange().name()));
            lastPermission = now;
        }
        return lastMayWrite;
    }

    private String routingKey(String topic) {
        if (!topic.equals(lastTopic)) {
            lastRoutingKey = TopicMapping.toRoutingKey(topic);
            lastTopic = topic;
        }
        return lastRoutingKey;
    }

    /** This client, if a subscription of its own has No Local (its publishes must say who sent them). */
    private String publisher() {
        return subscriptions.hasNoLocal() ? session.clientId() : null;
    }

    private Map<Integer, CompletableFuture<Integer>> awaiting() {
        if (awaitingRelease == null) awaitingRelease = new HashMap<>();
        return awaitingRelease;
    }

    /** QoS 2 packet identifiers received and not yet released: kept with a session that outlives the connection. */
    public Set<Integer> awaitingRelease() { return awaitingRelease == null ? Set.of() : Set.copyOf(awaitingRelease.keySet()); }

    /**
     * The identifiers an earlier connection of the session had received and not seen released: a PUBLISH
     * re-sent with one is not routed again, and its PUBREL is answered with PUBCOMP [MQTT-4.3.3-10].
     */
    public void resume(Collection<Integer> packetIds) {
        for (int id : packetIds) awaiting().put(id, CompletableFuture.completedFuture(1));
    }

    /** PUBREL: the client releases a QoS 2 identifier; PUBCOMP goes out after the PUBREC. */
    public void onPubRel(int packetId) {
        CompletableFuture<Integer> first = awaitingRelease == null ? null : awaitingRelease.remove(packetId);
        PendingAck ack = new PendingAck(MqttMessageType.PUBCOMP, packetId);
        ack.done = true;
        ack.reason = first == null ? MqttReasonCodes.PubComp.PACKET_IDENTIFIER_NOT_FOUND.byteValue()
            : MqttReasonCodes.PubComp.SUCCESS.byteValue();
        pending.add(ack);
        sendReady();
    }

    /** The connection is gone: what it published is stored, nothing more is acknowledged. */
    public void close() {
        flushBatch();
        closed = true;
        pending.clear();
        awaitingRelease = null;
    }

    // ---- answers from the destinations ----

    private void answered(CompletableFuture<?> done, List<PendingAck> acks) {
        if (done.isDone()) {
            Throwable failure = failureOf(done);
            for (int i = 0, n = acks.size(); i < n; i++) answered(acks.get(i), failure);
        } else {
            done.whenComplete((v, e) -> out.eventLoop().execute(() -> {
                Throwable failure = e == null ? null : unwrap(e);
                for (int i = 0, n = acks.size(); i < n; i++) answered(acks.get(i), failure);
                out.flush();
            }));
        }
    }

    private void retainedStored(PendingAck ack, String topic, CompletableFuture<?> done) {
        if (ack != null) {
            answered(done, List.of(ack));
        } else {
            done.whenComplete((v, e) -> {
                if (e != null) LOG.debug("QoS 0 retained publish to '{}' not stored: {}", topic, e.toString());
            });
        }
    }

    /** One destination answered for {@code ack}; the last answer settles it. */
    private void answered(PendingAck ack, Throwable failure) {
        if (closed || ack.done) return;
        if (failure != null && ack.failure == null) ack.failure = failure;
        if (--ack.awaiting <= 0) finish(ack);
    }

    private void finish(PendingAck ack) {
        if (ack.stored != null) {
            if (ack.failure == null) ack.stored.complete(ack.destinations);
            else ack.stored.completeExceptionally(ack.failure);
        }
        settle(ack, ack.failure, ack.destinations);
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        if (!done.isCompletedExceptionally()) return null;
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return unwrap(e);
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    // ---- acknowledgements, in order ----

    /** The answer to a re-sent QoS 2 PUBLISH, once its first copy is stored. */
    private void acknowledge(MqttMessageType type, int packetId, CompletableFuture<Integer> stored) {
        PendingAck ack = new PendingAck(type, packetId);
        pending.add(ack);
        if (stored.isDone()) {
            settle(ack, stored);
        } else {
            stored.whenComplete((n, e) -> out.eventLoop().execute(() -> {
                settle(ack, stored);
                out.flush();
            }));
        }
    }

    private void settle(PendingAck ack, CompletableFuture<Integer> stored) {
        Throwable failure = failureOf(stored);
        settle(ack, failure, failure == null ? stored.join() : 0);
    }

    private void settle(PendingAck ack, Throwable failure, int queues) {
        if (closed) return;
        if (failure != null) {
            if (!session.isV5()) {
                out.fail(MqttReasonCodes.Disconnect.UNSPECIFIED_ERROR, "a publish was not stored: " + failure);
                return;
            }
            ack.reason = failure instanceof QueueFullException ? MqttReasonCodes.PubAck.QUOTA_EXCEEDED.byteValue()
                : MqttReasonCodes.PubAck.UNSPECIFIED_ERROR.byteValue();
        } else if (queues == 0) {
            ack.reason = MqttReasonCodes.PubAck.NO_MATCHING_SUBSCRIBERS.byteValue();
        }
        ack.done = true;
        sendReady();
    }

    /** Sends the acknowledgements at the head of the line that are ready, in order. */
    private void sendReady() {
        while (!pending.isEmpty() && pending.peek().done) {
            PendingAck a = pending.poll();
            out.write(Packets.pubReply(a.type, a.packetId, a.reason));
            if (a.type == MqttMessageType.PUBREC && a.reason < 0) awaiting().remove(a.packetId); // refused: no PUBREL follows
        }
    }

    private void refused(int qos, int packetId, String topic) {
        String why = "user '" + session.user().name() + "' may not write to exchange '" + session.exchange().name()
            + "' in vhost '" + session.vhost().name() + "' (topic '" + topic + "')";
        if (!session.isV5() || qos == 0) {
            out.fail(MqttReasonCodes.Disconnect.NOT_AUTHORIZED, why);
            return;
        }
        LOG.info("MQTT publish refused: {}", why);
        PendingAck ack = new PendingAck(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId);
        ack.done = true;
        ack.reason = MqttReasonCodes.PubAck.NOT_AUTHORIZED.byteValue();
        pending.add(ack);
        sendReady();
    }
}
