package io.wharf.mqtt.subscribe;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.security.Permission;
import io.wharf.broker.vhost.QueueDefinition;
import io.wharf.broker.vhost.VhostException;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.connection.PacketOutput;
import io.wharf.mqtt.message.TopicMapping;
import io.wharf.mqtt.session.Deliveries;
import io.wharf.mqtt.session.Session;
import java.util.Collection;
import java.util.List;
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
 * <p>Permissions, as RabbitMQ checks them: configure on the queue to declare it, read on it to consume, and
 * write on the queue plus read on the exchange to bind or unbind. A refused subscription gets the failure code
 * (3.1.1: 0x80; 5: 0x87 Not authorized) and the others go on. Granted QoS is the requested one (up to 2). A
 * shared subscription ({@code $share/...}) is refused (v5: 0x9E), as are subscription identifiers, which
 * the CONNACK says are not available.
 *
 * <p>Confined to the connection's event loop.
 */
public final class SessionSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSubscriptions.class);
    private static final int FAILURE_V3 = 0x80;

    private final Session session;
    private final PacketOutput out;
    private final Deliveries deliveries;
    private final SubscriptionTable table;
    private VirtualHost.LiveQueue queue;

    public SessionSubscriptions(Session session, PacketOutput out, Deliveries deliveries, SubscriptionTable table) {
        this.session = session;
        this.out = out;
        this.deliveries = deliveries;
        this.table = table;
    }

    /** The session's queue, once a SUBSCRIBE declared it; else null. */
    public VirtualHost.LiveQueue queue() { return queue; }

    /**
     * Resumes a persistent session: its queue exists and its bindings are its subscriptions; this session's
     * {@link Deliveries} consume it from now on. Call once, before the first SUBSCRIBE.
     */
    public void resume(VirtualHost.LiveQueue existing, Collection<Subscription> stored) {
        for (Subscription s : stored) table.put(s);
        existing.queue().addConsumer(deliveries);
        queue = existing;
    }

    public void onSubscribe(MqttSubscribeMessage m) {
        MqttProperties props = m.idAndPropertiesVariableHeader().properties();
        if (props.getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()) != null) {
            out.fail(MqttReasonCodes.Disconnect.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,
                "SUBSCRIBE with a subscription identifier, which the CONNACK said are not available");
            return;
        }
        List<MqttTopicSubscription> requested = m.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
            return;
        }
        int[] codes = new int[requested.size()];
        for (int i = 0; i < codes.length; i++) codes[i] = subscribe(requested.get(i));
        out.write(Packets.subAck(m.idAndPropertiesVariableHeader().messageId(), codes));
    }

    /** One filter; returns its SUBACK code. */
    private int subscribe(MqttTopicSubscription request) {
        String filter = request.topicFilter();
        MqttSubscriptionOption o = request.option();
        try {
            TopicSyntax.MQTT.validateFilter(filter);
        } catch (IllegalArgumentException e) {
            return refuse(filter, MqttReasonCodes.SubAck.TOPIC_FILTER_INVALID, e.getMessage());
        }
        if (filter.startsWith("$share/")) {
            return refuse(filter, MqttReasonCodes.SubAck.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED, "shared subscriptions are not supported");
        }
        Permission p = session.permission();
        String queueName = session.queueName();
        if (!p.canWrite(queueName) || !p.canRead(Permission.exchangeResource(session.exchange().name()))) {
            return refuse(filter, MqttReasonCodes.SubAck.NOT_AUTHORIZED, "binding " + queueName + " to "
                + session.exchange().name() + " needs write on the queue and read on the exchange");
        }
        Subscription s = new Subscription(filter, Math.min(o.qos().value(), 2), o.isNoLocal(), o.isRetainAsPublished(),
            o.retainHandling().value());
        try {
            ensureQueue();
            Subscription old = table.get(filter);
            if (old != null && !old.equals(s)) session.vhost().unbind(binding(old), session.connectionId());
            session.vhost().bind(binding(s), session.connectionId());
        } catch (RefusedException e) {
            return refuse(filter, e.code, e.getMessage());
        } catch (VhostException e) {
            return refuse(filter, MqttReasonCodes.SubAck.UNSPECIFIED_ERROR, e.getMessage());
        }
        table.put(s);
        return s.qos();
    }

    public void onUnsubscribe(MqttUnsubscribeMessage m) {
        List<String> filters = m.payload().topics();
        if (filters.isEmpty()) {
            out.fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
            return;
        }
        short[] codes = new short[filters.size()];
        Permission p = session.permission();
        for (int i = 0; i < codes.length; i++) {
            Subscription s = table.get(filters.get(i));
            if (s == null) {
                codes[i] = MqttReasonCodes.UnsubAck.NO_SUBSCRIPTION_EXISTED.byteValue();
            } else if (!p.canWrite(session.queueName()) || !p.canRead(Permission.exchangeResource(session.exchange().name()))) {
                codes[i] = (short) (MqttReasonCodes.UnsubAck.NOT_AUTHORIZED.byteValue() & 0xFF);
            } else {
                session.vhost().unbind(binding(s), session.connectionId());
                table.remove(s.filter());
                codes[i] = MqttReasonCodes.UnsubAck.SUCCESS.byteValue();
            }
        }
        out.write(Packets.unsubAck(m.idAndPropertiesVariableHeader().messageId(), codes));
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
        q.queue().addConsumer(deliveries);
        queue = q;
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
