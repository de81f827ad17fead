package io.wharf.amqp.connection;

import com.rabbitmq.client.impl.AMQImpl;
import io.netty.channel.ChannelHandlerContext;
import io.wharf.broker.alarm.AlarmListener;
import io.wharf.broker.alarm.ResourceAlarm;
import io.wharf.broker.alarm.ResourceAlarms;
import java.util.Map;
import java.util.Set;

/**
 * Holds a publishing connection back while a memory or disk alarm is on, as RabbitMQ does: the broker
 * stops reading from its socket (TCP back-pressure) and, if the client announced the
 * {@code connection.blocked} capability, tells it with Connection.Blocked, then Connection.Unblocked when
 * every alarm has cleared. A connection that has not published is left alone until it publishes, so that
 * consumers go on draining queues. Heartbeats from a blocked client cannot be read and are not expected.
 *
 * <p>Confined to the connection's event loop, but for {@link #alarmsChanged}, which hands over to it.
 */
final class PublisherBlock implements AlarmListener {
    private final ResourceAlarms alarms;
    private ChannelHandlerContext ctx;
    private ConnectionOutput out;
    private boolean notifyClient;
    private boolean published;
    private boolean blocked;

    PublisherBlock(ResourceAlarms alarms) {
        this.alarms = alarms;
    }

    /** The connection is open: from now on alarms concern it. */
    void start(ChannelHandlerContext ctx, ConnectionOutput out, Map<String, Object> clientProperties) {
        this.ctx = ctx;
        this.out = out;
        this.notifyClient = announcesBlocked(clientProperties);
        alarms.addListener(this);
    }

    void stop() {
        alarms.removeListener(this);
    }

    boolean blocked() { return blocked; }

    /** A Basic.Publish arrived: it is handled, and the connection blocked after it if an alarm is on. */
    void publishing() {
        published = true;
        if (!blocked && alarms.any()) block(alarms.reason());
    }

    @Override
    public void alarmsChanged(Set<ResourceAlarm> active) {
        ctx.executor().execute(() -> {
            if (!ctx.channel().isActive()) return;
            if (active.isEmpty() && blocked) unblock();
            else if (!active.isEmpty() && !blocked && published) block(alarms.reason());
        });
    }

    private void block(String reason) {
        blocked = true;
        // Reading stops first: nothing the client sends after it hears of the block gets in.
        ctx.channel().config().setAutoRead(false);
        if (notifyClient) {
            out.send(0, new AMQImpl.Connection.Blocked(reason == null ? "" : reason));
            out.flush();
        }
    }

    private void unblock() {
        blocked = false;
        if (notifyClient) {
            out.send(0, new AMQImpl.Connection.Unblocked());
            out.flush();
        }
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    private static boolean announcesBlocked(Map<String, Object> clientProperties) {
        return clientProperties != null && clientProperties.get("capabilities") instanceof Map<?, ?> caps
            && Boolean.TRUE.equals(caps.get("connection.blocked"));
    }
}
