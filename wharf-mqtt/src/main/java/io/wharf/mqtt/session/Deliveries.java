package io.wharf.mqtt.session;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.queue.QueueConsumer;
import io.wharf.broker.queue.QueueMessage;
import io.wharf.broker.queue.QueueOwners;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.connection.PacketOutput;
import io.wharf.mqtt.message.MqttMessages;
import io.wharf.mqtt.message.TopicMapping;
import io.wharf.mqtt.subscribe.SubscriptionTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session's consumer of its queue, and the outbound QoS flows (MQTT 5 §4.3): the queue hands messages over
 * under its lock ({@link #deliver}); the connection's event loop writes them out, one task per burst. Each goes
 * out at the QoS {@code min(published, highest granted by a matching subscription)}, with the RETAIN flag and
 * Subscription Identifiers {@link SubscriptionTable#match} gives; one no subscription wants, or larger than the
 * client's Maximum Packet Size, is settled without
 * being sent.
 * <ul>
 *   <li>QoS 0: written and settled at once;
 *   <li>QoS 1: numbered with a free packet identifier, settled (acknowledged in the queue) at its PUBACK;
 *   <li>QoS 2: settled at its PUBREC (the client owns it then), answered with PUBREL; the packet identifier is
 *       in use until PUBCOMP.
 * </ul>
 * Credit: messages taken from the queue and not yet settled — or, at QoS 2, not yet completed — count against
 * the window: the client's Receive Maximum (v5) capped by the broker's in-flight limit. Nothing is taken while
 * the socket is not writable. A message that went out before (requeued when an earlier connection of the
 * session died) carries DUP, and — within one broker run — the packet identifier it had ({@link #resume}).
 * When the connection ends, what it holds is requeued ({@link #stop}).
 *
 * <p>One consumer may take from several queues — the session's and its shared subscriptions' — with one window
 * for all: when credit frees up after the window was full, every queue is told, not only the one settled in.
 */
public final class Deliveries implements QueueConsumer {
    /** A QoS 1 or 2 delivery waiting for the client. */
    private static final class InFlight {
        final MessageQueue queue;
        final long offset;
        final int qos;
        boolean received; // QoS 2: PUBREC came, settled in the queue, PUBREL sent

        InFlight(MessageQueue queue, long offset, int qos) {
            this.queue = queue;
            this.offset = offset;
            this.qos = qos;
        }
    }

    private record Handed(MessageQueue queue, QueueMessage message) {
    }

    /**
     * The outbound flows a connection leaves to the next one of a persistent session (MQTT 5 §4.4): the packet
     * identifier of each delivery not acknowledged, by its queue offset, so that its re-sending (with DUP)
     * keeps it [MQTT-4.4.0-1] — a QoS 2 receiver knows it by that identifier — and the identifiers whose
     * PUBREC came but not their PUBCOMP, whose PUBREL goes out again.
     */
    public record Handover(Map<Long, Integer> unacknowledged, Set<Integer> releasePending) {
        public static final Handover NONE = new Handover(Map.of(), Set.of());

        public Handover {
            unacknowledged = Map.copyOf(unacknowledged);
            releasePending = Set.copyOf(releasePending);
        }
    }

    private final long ownerId = QueueOwners.next();
    private final PacketOutput out;
    private final SubscriptionTable subscriptions;
    private final boolean v5;
    private final int window;
    /** Taken from the queue, not yet settled (QoS 2: not yet completed). Written under the queue's lock. */
    private final AtomicInteger taken = new AtomicInteger();
    private final ConcurrentLinkedQueue<Handed> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** The queues this consumer is on (see {@link #consume}). */
    private final Set<MessageQueue> queues = ConcurrentHashMap.newKeySet();
    /** A queue found the window full since credit was last freed. */
    private volatile boolean starved;
    private volatile boolean stopped;

    // Event loop only. The maps and the array are made at first use: an idle connection needs none of them.
    private static final long[] NO_OFFSETS = new long[0];
    private IntObjectHashMap<InFlight> inFlight;
    /** Packet identifiers an earlier connection gave deliveries not yet sent again: offset → identifier. */
    private Map<Long, Integer> keptIds;
    private IntObjectHashMap<Long> keptOffsets;
    private int nextPacketId = 1;
    private long[] settled = NO_OFFSETS;
    // The last routing key delivered, its topic, and whether that is a valid topic name: messages come in runs.
    private String lastRoutingKey;
    private String lastTopic;
    private boolean lastDeliverable;

    public Deliveries(PacketOutput out, SubscriptionTable subscriptions, boolean v5, int window) {
        this.out = out;
        this.subscriptions = subscriptions;
        this.v5 = v5;
        this.window = window;
    }

    @Override
    public long ownerId() { return ownerId; }

    /** QoS is chosen per message, so the queue never settles on its own. */
    @Override
    public boolean autoAck() { return false; }

    @Override
    public boolean reserveCredit() {
        if (stopped || !out.isWritable()) return false;
        if (taken.get() >= window) {
            starved = true;
            return false;
        }
        taken.incrementAndGet();
        return true;
    }

    @Override
    public void creditUnused() { taken.decrementAndGet(); }

    @Override
    public void deliver(MessageQueue queue, QueueMessage message) {
        outbox.add(new Handed(queue, message));
        if (drainScheduled.compareAndSet(false, true)) out.eventLoop().execute(this::drain);
    }

    @Override
    public void queueDeleted(MessageQueue queue) {
        stopped = true;
        out.eventLoop().execute(() -> out.fail(MqttReasonCodes.Disconnect.ADMINISTRATIVE_ACTION,
            "the session queue " + queue.name() + " was deleted"));
    }

    /** Writes out what the queue has handed over; on the event loop. */
    private void drain() {
        drainScheduled.set(false);
        if (stopped) return; // requeued by stop()
        long now = System.currentTimeMillis();
        MessageQueue settleIn = null;
        int settledCount = 0;
        Handed h;
        while ((h = outbox.poll()) != null) {
            if (!sendOrDrop(h, now)) {
                // Settled without a packet identifier in use: QoS 0, or nothing to send.
                if (settleIn != null && settleIn != h.queue()) {
                    settleIn.ack(settled, settledCount);
                    settledCount = 0;
                }
                settleIn = h.queue();
                if (settledCount == settled.length) settled = Arrays.copyOf(settled, Math.max(16, settledCount * 2));
                settled[settledCount++] = h.message().offset();
                taken.decrementAndGet();
            }
        }
        out.flush();
        if (settleIn != null) {
            settleIn.ack(settled, settledCount); // also dispatches what the freed credit allows
            creditFreed(settleIn);
        }
    }

    /** Writes one delivery; false if it is settled now (QoS 0, or no subscription wants it). */
    private boolean sendOrDrop(Handed h, long now) {
        String routingKey = h.message().message().routingKey();
        if (!routingKey.equals(lastRoutingKey)) {
            lastTopic = TopicMapping.toTopic(routingKey);
            lastDeliverable = deliverable(lastTopic);
            lastRoutingKey = routingKey;
        }
        if (!lastDeliverable) return false;
        MqttMessages.Outgoing o = MqttMessages.toPublish(h.message().message(), lastTopic, v5, now);
        SubscriptionTable.Match match = subscriptions.match(h.queue(), o);
        if (match == null) return false;
        int qos = Math.min(o.publishQos(), match.qos());
        if (v5) SubscriptionTable.addIdentifiers(o.properties(), match);
        if (qos == 0) {
            out.writePublish(Packets.publish(o.topic(), 0, false, 0, o.properties(), o.payload(), match.retain()));
            return false;
        }
        int id = packetIdFor(h.message().offset());
        // Over the client's Maximum Packet Size: not sent, settled as if delivered (MQTT 5 §3.1.2.11.4).
        if (!out.writePublish(Packets.publish(o.topic(), qos, h.message().redelivered(), id, o.properties(), o.payload(),
            match.retain()))) {
            return false;
        }
        inFlight().put(id, new InFlight(h.queue(), h.message().offset(), qos));
        return true;
    }

    /** An AMQP routing key may map to no valid MQTT topic name (empty, or with '+' or '#'): never sent. */
    private static boolean deliverable(String topic) {
        try {
            TopicSyntax.MQTT.validateTopic(topic);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The identifier an earlier connection gave this delivery, if it is free, else a new one. */
    private int packetIdFor(long offset) {
        Integer kept = keptIds == null ? null : keptIds.remove(offset);
        if (kept != null) {
            keptOffsets.remove(kept);
            if (!inFlight().containsKey(kept)) return kept;
        }
        return freePacketId();
    }

    private int freePacketId() {
        // Kept identifiers are spared while that leaves room; at most `window` (< 65536) are in flight.
        if (inFlight().size() + (keptOffsets == null ? 0 : keptOffsets.size()) >= 65535) {
            keptIds = null;
            keptOffsets = null;
        }
        while (inFlight.containsKey(nextPacketId) || (keptOffsets != null && keptOffsets.containsKey(nextPacketId))) {
            nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
        }
        int id = nextPacketId;
        nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
        return id;
    }

    // ---- acknowledgements from the client ----

    /** PUBACK: a QoS 1 delivery is done. An unknown identifier is ignored (it may be a late duplicate). */
    public void onPubAck(int packetId) {
        InFlight f = inFlight == null ? null : inFlight.get(packetId);
        if (f == null || f.qos != 1) return;
        inFlight.remove(packetId);
        taken.decrementAndGet();
        f.queue.ack(f.offset);
        creditFreed(f.queue);
    }

    /** PUBREC: the client has a QoS 2 delivery; answered with PUBREL (v5: 0x92 for an unknown identifier). */
    public void onPubRec(int packetId, int reasonCode) {
        InFlight f = inFlight == null ? null : inFlight.get(packetId);
        if (f == null || f.qos != 2) {
            out.write(Packets.pubReply(MqttMessageType.PUBREL, packetId,
                MqttReasonCodes.PubRel.PACKET_IDENTIFIER_NOT_FOUND.byteValue()));
            return;
        }
        if (!f.received) {
            f.received = true;
            f.queue.ack(f.offset);
        }
        if (reasonCode >= 0x80) {
            // v5: the client refused it; the flow ends here, without PUBREL (§4.3.3).
            inFlight.remove(packetId);
            taken.decrementAndGet();
            f.queue.creditAvailable();
            creditFreed(f.queue);
            return;
        }
        out.write(Packets.pubReply(MqttMessageType.PUBREL, packetId, MqttReasonCodes.PubRel.SUCCESS.byteValue()));
    }

    /** PUBCOMP: a QoS 2 delivery is complete, its identifier free. */
    public void onPubComp(int packetId) {
        InFlight f = inFlight == null ? null : inFlight.get(packetId);
        if (f == null || f.qos != 2 || !f.received) return;
        inFlight.remove(packetId);
        taken.decrementAndGet();
        f.queue.creditAvailable();
        creditFreed(f.queue);
    }

    /**
     * Takes over what an earlier connection of the session left ({@link #stop}): sends PUBREL again for each
     * QoS 2 delivery the client had received [MQTT-4.4.0-1], counting them against the window until their
     * PUBCOMP, and keeps the identifiers of unacknowledged deliveries for when the queue sends them again.
     * Call before this consumer joins {@code queue}. Event loop only.
     */
    public void resume(MessageQueue queue, Handover previous) {
        for (int id : previous.releasePending()) {
            InFlight f = new InFlight(queue, -1, 2);
            f.received = true;
            inFlight().put(id, f);
            taken.incrementAndGet();
            out.write(Packets.pubReply(MqttMessageType.PUBREL, id, MqttReasonCodes.PubRel.SUCCESS.byteValue()));
        }
        for (Map.Entry<Long, Integer> e : previous.unacknowledged().entrySet()) {
            if (inFlight != null && inFlight.containsKey(e.getValue())) continue;
            if (keptIds == null) {
                keptIds = new HashMap<>();
                keptOffsets = new IntObjectHashMap<>();
            }
            keptIds.put(e.getKey(), e.getValue());
            keptOffsets.put(e.getValue(), e.getKey());
        }
    }

    private IntObjectHashMap<InFlight> inFlight() {
        if (inFlight == null) inFlight = new IntObjectHashMap<>();
        return inFlight;
    }

    /** The socket has room again: take more, from every queue. */
    public void writable(MessageQueue queue) {
        if (stopped) return;
        if (queue != null) queue.creditAvailable();
        for (MessageQueue q : queues) if (q != queue) q.creditAvailable();
    }

    /** Starts taking from {@code queue} (the session's, or a shared subscription's). */
    public void consume(MessageQueue queue) {
        queues.add(queue);
        queue.addConsumer(this);
    }

    /**
     * Stops taking from {@code queue} (a shared subscription ended); what it holds from there stays in flight and
     * is settled as the client acknowledges it.
     */
    public void stopConsuming(MessageQueue queue) {
        queues.remove(queue);
        queue.removeConsumer(this);
    }

    /** Credit came back after {@code settledIn} settled: the other queues may take again if the window was full. */
    private void creditFreed(MessageQueue settledIn) {
        if (!starved || queues.size() < 2) return;
        starved = false;
        for (MessageQueue q : queues) if (q != settledIn) q.creditAvailable();
    }

    /**
     * The connection is gone: stops taking messages and requeues, marked redelivered, every one it held and
     * had not settled — written or not. Returns the flows in progress, for a session that outlives the
     * connection. Event loop only.
     */
    public Handover stop(MessageQueue queue) {
        stopped = true;
        if (queue != null) queues.add(queue);
        for (MessageQueue q : queues) {
            q.removeConsumer(this);
            q.requeueAll(ownerId);
        }
        queues.clear();
        if (queue == null) return Handover.NONE;
        outbox.clear();
        Map<Long, Integer> unacknowledged = keptIds == null ? new HashMap<>() : new HashMap<>(keptIds);
        Set<Integer> releasePending = new HashSet<>();
        if (inFlight != null) {
            for (IntObjectMap.PrimitiveEntry<InFlight> e : inFlight.entries()) {
                if (e.value().received) releasePending.add(e.key());
                else if (e.value().queue == queue) unacknowledged.put(e.value().offset, e.key()); // not a shared queue's
            }
        }
        inFlight = null;
        return new Handover(unacknowledged, releasePending);
    }
}
