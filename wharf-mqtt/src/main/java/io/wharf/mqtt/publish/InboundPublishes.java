package io.wharf.mqtt.publish;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.wharf.broker.message.Message;
import io.wharf.broker.queue.QueueFullException;
import io.wharf.broker.security.Permission;
import io.wharf.mqtt.bridge.KafkaExport;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.connection.PacketOutput;
import io.wharf.mqtt.message.MqttMessages;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.Session;
import io.wharf.mqtt.subscribe.SubscriptionTable;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
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
 * Everything an MQTT client publishes goes through {@link #publish} — a Last Will too.
 *
 * <p>The QoS 2 identifiers awaiting PUBREL outlive the connection with a session that does
 * ({@link #awaitingRelease}, {@link #resume}). Confined to the connection's event loop.
 */
public final class InboundPublishes {
    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishes.class);

    /** An acknowledgement waiting for its publish to be stored, or for those before it. */
    private static final class PendingAck {
        final MqttMessageType type;
        final int packetId;
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
    // Both made at first use: an idle connection, or one publishing at QoS 0 only, needs neither.
    private ArrayDeque<PendingAck> pending;
    /** QoS 2 packet identifiers received, not yet released, with the store of their first PUBLISH. */
    private Map<Integer, CompletableFuture<Integer>> awaitingRelease;
    private boolean closed;

    /** @param subscriptions the session's, for No Local: its publishes name their publisher when one has it */
    public InboundPublishes(Session session, PacketOutput out, SubscriptionTable subscriptions) {
        this.session = session;
        this.out = out;
        this.subscriptions = subscriptions;
    }

    public void onPublish(MqttPublishMessage m) {
        int qos = m.fixedHeader().qosLevel().value();
        int packetId = m.variableHeader().packetId();
        String topic = m.variableHeader().topicName();
        if (!session.permission().canWrite(Permission.exchangeResource(session.exchange().name()))) {
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
        CompletableFuture<Integer> stored = route(session, publisher(), topic, qos, m.fixedHeader().isRetain(), payload,
            m.variableHeader().properties());
        switch (qos) {
            case 0 -> stored.whenComplete((n, e) -> {
                if (e != null) LOG.debug("QoS 0 publish to '{}' not stored: {}", topic, e.toString());
            });
            case 1 -> acknowledge(MqttMessageType.PUBACK, packetId, stored);
            default -> {
                awaiting().put(packetId, stored);
                acknowledge(MqttMessageType.PUBREC, packetId, stored);
            }
        }
    }

    /**
     * Routes an application message of {@code session}'s client through the exchange and stores it: every
     * PUBLISH goes this way, and so does a will ({@code Will#publish}), so that what applies to a publish
     * applies to both. With {@code retain} the message also becomes (an empty one: clears) the topic's retained
     * message ({@link Session#retained}), and it is appended to the Kafka topics of {@link Session#export}. The
     * future completes, with the number of queues and topics that took the message, once all of it is as safe as it asks; permissions are the caller's to check. Any thread.
     *
     * @param properties the MQTT 5 properties, or {@link MqttProperties#NO_PROPERTIES}
     */
    public static CompletableFuture<Integer> route(Session session, String topic, int qos, boolean retain, byte[] payload,
                                                   MqttProperties properties) {
        return route(session, null, topic, qos, retain, payload, properties);
    }

    /**
     * As {@link #route(Session, String, int, boolean, byte[], MqttProperties)}, naming the publisher for No Local.
     *
     * @param publisher the client identifier, when that client has No Local subscriptions; else null
     */
    public static CompletableFuture<Integer> route(Session session, String publisher, String topic, int qos,
                                                   boolean retain, byte[] payload, MqttProperties properties) {
        Message message = MqttMessages.fromPublish(session.exchange().name(), topic, qos, retain, publisher, payload,
            properties, System.currentTimeMillis());
        CompletableFuture<Integer> routed = session.vhost().publish(session.exchange(), message);
        CompletableFuture<Integer> exported = session.export().append(topic, payload, properties);
        if (exported != KafkaExport.NOTHING) routed = routed.thenCombine(exported, Integer::sum);
        if (!retain) return routed;
        return routed.thenCombine(session.retained().published(topic, message), (queues, v) -> queues);
    }

    /** This client, if a subscription of its own has No Local (its publishes must say who sent them). */
    private String publisher() {
        return subscriptions.hasNoLocal() ? session.clientId() : null;
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
        pending().add(ack);
        sendReady();
    }

    /** The connection is gone: nothing more is acknowledged. */
    public void close() {
        closed = true;
        pending = null;
        awaitingRelease = null;
    }

    private ArrayDeque<PendingAck> pending() {
        if (pending == null) pending = new ArrayDeque<>();
        return pending;
    }

    private Map<Integer, CompletableFuture<Integer>> awaiting() {
        if (awaitingRelease == null) awaitingRelease = new HashMap<>();
        return awaitingRelease;
    }

    private void acknowledge(MqttMessageType type, int packetId, CompletableFuture<Integer> stored) {
        PendingAck ack = new PendingAck(type, packetId);
        pending().add(ack);
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
        if (closed) return;
        Throwable failure = null;
        int queues = 0;
        try {
            queues = stored.join();
        } catch (CompletionException e) {
            failure = e.getCause();
        }
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
        while (pending != null && !pending.isEmpty() && pending.peek().done) {
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
        pending().add(ack);
        sendReady();
    }
}
