package io.wharf.mqtt.subscribe;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.security.Permission;
import io.wharf.broker.vhost.QueueDefinition;
import io.wharf.broker.vhost.VhostException;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.connection.PacketOutput;
import io.wharf.mqtt.message.TopicMapping;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.Deliveries;
import io.wharf.mqtt.session.Session;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE and UNSUBSCRIBE for one session, as RabbitMQ's MQTT plugin maps them: a subscription is a binding
 * of the session's queue to {@code amq.topic} with the filter as binding key ({@link TopicMapping}), and the
 * granted options as its arguments ({@link Subscription}). The queue is declared at the first SUBSCRIBE as
 * {@link Session#queueDefinition} says — exclusive to the connection for a clean session, durable for one that
 * outlives it — or, for a resumed session, taken as it is ({@link #resume}); this session's {@link Deliveries}
 * consume it.
 *
 * <p>A shared subscription {@code $share/<group>/<filter>} ({@link SharedFilter}) instead makes this session's
 * {@link Deliveries} a consumer of the group's queue, which is bound once with the filter and which the queue
 * hands out round robin to the members with credit; the queue goes when its last member does (auto-delete).
 * Its messages are delivered at each member's own granted QoS. No retained messages are sent for it
 * [MQTT-3.8.4-4], and No Local on it is a Protocol Error [MQTT-3.8.3-4].
 *
 * <p>After the SUBACK each new subscription gets the retained messages its filter matches, as its Retain Handling
 * says ({@link RetainedMessages}). A Subscription Identifier (1 to 268,435,455; 0 is a Protocol Error,
 * §3.8.2.1.2) is kept with each subscription of the packet and sent in every PUBLISH it matches.
 *
 * <p>Permissions, as RabbitMQ checks them: configure on a queue to declare it, read on it to consume, and
 * write on the queue plus read on the exchange to bind or unbind. A refused subscription gets the failure code
 * (3.1.1: 0x80; 5: 0x87 Not authorized) and the others go on. Granted QoS is the requested one (up to 2).
 *
 * <p>Confined to the connection's event loop.
 */
public final class SessionSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSubscriptions.class);
    private static final int FAILURE_V3 = 0x80;
    /** The largest Subscription Identifier, a Variable Byte Integer (MQTT 5 §3.8.2.1.2). */
    private static final int MAX_SUBSCRIPTION_ID = 268_435_455;

    /** A subscription made by this SUBSCRIBE that is to get retained messages once the SUBACK is out. */
    private record NewSubscription(Subscription subscription, boolean existed) {
    }

    private final Session session;
    private final PacketOutput out;
    private final Deliveries deliveries;
    private final SubscriptionTable table;
    private final RetainedMessages retained;
    private VirtualHost.LiveQueue queue;

    public SessionSubscriptions(Session session, PacketOutput out, Deliveries deliveries, SubscriptionTable table,
                                RetainedMessages retained) {
        this.session = session;
        this.out = out;
        this.deliveries = deliveries;
        this.table = table;
        this.retained = retained;
    }

    /** The session's queue, once a SUBSCRIBE declared it; else null. */
    public VirtualHost.LiveQueue queue() { return queue; }

    /**
     * Resumes a persistent session: its queue exists and its bindings are its subscriptions; this session's
     * {@link Deliveries} consume it from now on. Call once, before the first SUBSCRIBE.
     */
    public void resume(VirtualHost.LiveQueue existing, Collection<Subscription> stored) {
        for (Subscription s : stored) table.put(s);
        deliveries.consume(existing.queue());
        queue = existing;
    }

    public void onSubscribe(MqttSubscribeMessage m) {
        MqttProperties props = m.idAndPropertiesVariableHeader().properties();
        int subscriptionId = 0;
        if (props.getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()) instanceof
            MqttProperties.IntegerProperty id) {
            subscriptionId = id.value();
            if (subscriptionId < 1 || subscriptionId > MAX_SUBSCRIPTION_ID) {
                out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "SUBSCRIBE with Subscription Identifier "
                    + subscriptionId + ", outside 1 to " + MAX_SUBSCRIPTION_ID + " (MQTT 5 §3.8.2.1.2)");
                return;
            }
        }
        List<MqttTopicSubscription> requested = m.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
            return;
        }
        for (MqttTopicSubscription r : requested) {
            if (r.option().isNoLocal() && r.topicFilter().startsWith(SharedFilter.PREFIX)) {
                out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "SUBSCRIBE to shared subscription '"
                    + r.topicFilter() + "' with No Local [MQTT-3.8.3-4]");
                return;
            }
        }
        int[] codes = new int[requested.size()];
        List<NewSubscription> made = new ArrayList<>(codes.length);
        for (int i = 0; i < codes.length; i++) codes[i] = subscribe(requested.get(i), subscriptionId, made);
        out.write(Packets.subAck(m.idAndPropertiesVariableHeader().messageId(), codes));
        long now = System.currentTimeMillis();
        for (NewSubscription n : made) retained.subscribed(n.subscription(), n.existed(), queue.queue(), now);
    }

    /** One filter; returns its SUBACK code. An ordinary subscription made is added to {@code made}. */
    private int subscribe(MqttTopicSubscription request, int subscriptionId, List<NewSubscription> made) {
        String filter = request.topicFilter();
        MqttSubscriptionOption o = request.option();
        SharedFilter shared;
        try {
            shared = SharedFilter.parse(filter);
            if (shared == null) TopicSyntax.MQTT.validateFilter(filter);
        } catch (IllegalArgumentException e) {
            return refuse(filter, MqttReasonCodes.SubAck.TOPIC_FILTER_INVALID, e.getMessage());
        }
        Subscription s = new Subscription(filter, Math.min(o.qos().value(), 2), o.isNoLocal(), o.isRetainAsPublished(),
            o.retainHandling().value(), subscriptionId);
        try {
            ensureQueue();
            if (shared != null) return subscribeShared(shared, s);
            mayBind(session.queueName());
            Subscription old = table.get(filter);
            if (old != null && !old.equals(s)) session.vhost().unbind(binding(old), session.connectionId());
            session.vhost().bind(binding(s), session.connectionId());
            table.put(s);
            made.add(new NewSubscription(s, old != null));
            return s.qos();
        } catch (RefusedException e) {
            return refuse(filter, e.code, e.getMessage());
        } catch (VhostException e) {
            return refuse(filter, MqttReasonCodes.SubAck.UNSPECIFIED_ERROR, e.getMessage());
        }
    }

    /** Joins the group of a shared subscription (or updates this member's options); returns the SUBACK code. */
    private int subscribeShared(SharedFilter shared, Subscription s) {
        SubscriptionTable.Shared existing = table.getShared(s.filter());
        if (existing != null) {
            table.putShared(new SubscriptionTable.Shared(shared, s, existing.queue()));
            return s.qos();
        }
        String name = shared.queueName();
        Permission p = session.permission();
        if (!p.canConfigure(name) || !p.canRead(name)) {
            throw new RefusedException(MqttReasonCodes.SubAck.NOT_AUTHORIZED, "declaring and consuming the shared "
                + "subscription queue " + name + " needs configure and read on it");
        }
        mayBind(name);
        VirtualHost vhost = session.vhost();
        MessageQueue q;
        // The vhost's changes serialise on it (see VirtualHost): holding it from the declaration to the new consumer
        // keeps a member that leaves meanwhile from deleting the auto-delete queue under this one.
        synchronized (vhost) {
            QueueDefinition def = new QueueDefinition(name, false, true, 0, Map.of());
            q = vhost.declareQueue(def, session.connectionId()).queue();
            vhost.bind(new Binding(session.exchange().name(), Destination.queue(name),
                TopicMapping.toBindingKey(shared.filter()), Map.of()), session.connectionId());
            deliveries.consume(q);
        }
        table.putShared(new SubscriptionTable.Shared(shared, s, q));
        return s.qos();
    }

    public void onUnsubscribe(MqttUnsubscribeMessage m) {
        List<String> filters = m.payload().topics();
        if (filters.isEmpty()) {
            out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
            return;
        }
        short[] codes = new short[filters.size()];
        for (int i = 0; i < codes.length; i++) codes[i] = unsubscribe(filters.get(i));
        out.write(Packets.unsubAck(m.idAndPropertiesVariableHeader().messageId(), codes));
    }

    private short unsubscribe(String filter) {
        Permission p = session.permission();
        boolean mayUnbind = p.canRead(Permission.exchangeResource(session.exchange().name()));
        SubscriptionTable.Shared shared = table.getShared(filter);
        if (shared != null) {
            if (!mayUnbind || !p.canWrite(shared.queue().name().name())) return notAuthorized();
            table.removeShared(filter);
            deliveries.stopConsuming(shared.queue());
            lastMemberGone(shared.queue());
            return MqttReasonCodes.UnsubAck.SUCCESS.byteValue();
        }
        Subscription s = table.get(filter);
        if (s == null) return MqttReasonCodes.UnsubAck.NO_SUBSCRIPTION_EXISTED.byteValue();
        if (!mayUnbind || !p.canWrite(session.queueName())) return notAuthorized();
        session.vhost().unbind(binding(s), session.connectionId());
        table.remove(s.filter());
        return MqttReasonCodes.UnsubAck.SUCCESS.byteValue();
    }

    /**
     * The connection is gone: leaves every shared subscription's group (what this session held from its queue goes
     * back to the other members), after {@link Deliveries#stop}.
     */
    public void close() {
        for (SubscriptionTable.Shared s : table.allShared()) {
            try {
                s.queue().removeConsumer(deliveries);
                s.queue().requeueAll(deliveries.ownerId());
                lastMemberGone(s.queue());
            } catch (RuntimeException e) {
                LOG.error("MQTT client '{}' could not leave shared subscription '{}'", session.clientId(),
                    s.filter().subscribed(), e);
            }
        }
    }

    private void lastMemberGone(MessageQueue q) {
        VirtualHost.LiveQueue live = session.vhost().queue(q.name().name());
        if (live != null && live.queue() == q) session.vhost().lastConsumerGone(live);
    }

    private void ensureQueue() {
        if (queue != null) return;
        Permission p = session.permission();
        String name = session.queueName();
        if (!p.canConfigure(name)) {
            throw new RefusedException(MqttReasonCodes.SubAck.NOT_AUTHORIZED, "declaring " + name + " needs configure on it");
        }
        if (!p.canRead(name)) {
            throw new RefusedException(MqttReasonCodes.SubAck.NOT_AUTHORIZED, "consuming " + name + " needs read on it");
        }
        QueueDefinition def = session.queueDefinition();
        VirtualHost.LiveQueue q = session.vhost().declareQueue(def, session.connectionId());
        deliveries.consume(q.queue());
        queue = q;
    }

    /** Binding {@code queueName} to the exchange needs write on the queue and read on the exchange. */
    private void mayBind(String queueName) {
        Permission p = session.permission();
        if (!p.canWrite(queueName) || !p.canRead(Permission.exchangeResource(session.exchange().name()))) {
            throw new RefusedException(MqttReasonCodes.SubAck.NOT_AUTHORIZED, "binding " + queueName + " to "
                + session.exchange().name() + " needs write on the queue and read on the exchange");
        }
    }

    private Binding binding(Subscription s) {
        return new Binding(session.exchange().name(), Destination.queue(session.queueName()),
            TopicMapping.toBindingKey(s.filter()), s.bindingArguments());
    }

    private int refuse(String filter, MqttReasonCodes.SubAck v5, String why) {
        LOG.info("MQTT client '{}' (user '{}'): subscription to '{}' refused: {}", session.clientId(),
            session.user().name(), filter, why);
        return session.isV5() ? v5.byteValue() & 0xFF : FAILURE_V3;
    }

    private static short notAuthorized() {
        return (short) (MqttReasonCodes.UnsubAck.NOT_AUTHORIZED.byteValue() & 0xFF);
    }

    /** A subscription the broker refuses, with its v5 SUBACK code. */
    private static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final MqttReasonCodes.SubAck code;

        RefusedException(MqttReasonCodes.SubAck code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
