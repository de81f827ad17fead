package io.wharf.broker.net;

import io.netty.channel.Channel;
import io.wharf.broker.alarm.AlarmListener;
import io.wharf.broker.alarm.ResourceAlarm;
import io.wharf.broker.alarm.ResourceAlarms;
import java.util.Set;

/**
 * Holds a publishing connection back while a memory or disk alarm is on, as RabbitMQ does for AMQP and MQTT:
 * the broker stops reading from its socket (TCP back-pressure) until every alarm has cleared. A connection
 * that has not published is left alone until it publishes, so that consumers go on draining queues. What the
 * client is told, if anything, is the protocol's business ({@link Notice}: AMQP's Connection.Blocked and
 * Unblocked; MQTT has no such packet). A blocked client's heartbeats or keep-alives cannot be read, so the
 * protocol must not hold their absence against it while {@link #blocked()}. Only a connection that has published
 * listens to the alarms, so that idle connections cost the alarms nothing.
 *
 * <p>The connection is also held back, silently, while a queue its messages go to has too many messages its
 * consumers have not taken ({@link BacklogFlow}: {@link #holdForBacklog}); reading resumes when neither
 * cause remains.
 *
 * <p>Confined to the connection's event loop, but for {@link #alarmsChanged}, which hands over to it.
 */
public final class PublisherBlock implements AlarmListener {
    /** What the protocol tells its client; called on the event loop. */
    public interface Notice {
        /** Reading has just stopped. */
        void blocked(String reason);

        /** Reading is about to resume. */
        void unblocked();
    }

    /** Tells the client nothing. */
    public static final Notice SILENT = new Notice() {
        @Override
        public void blocked(String reason) {
        }

        @Override
        public void unblocked() {
        }
    };

    private final ResourceAlarms alarms;
    private Channel channel;
    private Notice notice = SILENT;
    private boolean started;
    private boolean listening;
    private boolean published;
    /** An alarm holds the connection back. */
    private boolean blocked;
    /** A queue's backlog holds it back ({@link BacklogFlow}). */
    private boolean backlogHeld;

    public PublisherBlock(ResourceAlarms alarms) {
        this.alarms = alarms;
    }

    /** The connection is open: from now on alarms concern it. */
    public void start(Channel channel, Notice notice) {
        this.channel = channel;
        this.notice = notice;
        this.started = true;
    }

    /** The connection is gone. Safe to call when never started, and more than once. */
    public void stop() {
        if (listening) alarms.removeListener(this);
        listening = false;
        started = false;
    }

    /** Whether reading has stopped, for an alarm or for a backlog. */
    public boolean blocked() { return blocked || backlogHeld; }

    /** Stops reading until {@link #backlogDrained}, whatever the alarms do; the client is told nothing. */
    public void holdForBacklog() {
        if (backlogHeld || !started) return;
        backlogHeld = true;
        if (!blocked) channel.config().setAutoRead(false);
    }

    /** The backlog that {@link #holdForBacklog} waited for is gone: reads again unless an alarm holds on. */
    public void backlogDrained() {
        if (!backlogHeld) return;
        backlogHeld = false;
        if (!blocked && started && channel.isActive()) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /** A publish arrived: it is handled, and the connection blocked after it if an alarm is on. */
    public void publishing() {
        published = true;
        if (!started) return;
        if (!listening) {
            listening = true; // before looking at the alarms, so that one raised meanwhile is heard of
            alarms.addListener(this);
        }
        if (!blocked && alarms.any()) block(alarms.reason());
    }

    @Override
    public void alarmsChanged(Set<ResourceAlarm> active) {
        channel.eventLoop().execute(() -> {
            if (!started || !channel.isActive()) return;
            if (active.isEmpty() && blocked) unblock();
            else if (!active.isEmpty() && !blocked && published) block(alarms.reason());
        });
    }

    private void block(String reason) {
        blocked = true;
        // Reading stops first: nothing the client sends after it hears of the block gets in.
        if (!backlogHeld) channel.config().setAutoRead(false);
        notice.blocked(reason == null ? "" : reason);
    }

    private void unblock() {
        blocked = false;
        notice.unblocked();
        if (backlogHeld) return;
        channel.config().setAutoRead(true);
        channel.read();
    }
}
