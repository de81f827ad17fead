package io.wharf.mqtt.session;

import io.wharf.broker.vhost.VirtualHost;
import io.wharf.mqtt.connect.ConnectRefused;
import io.wharf.mqtt.subscribe.Subscription;
import io.wharf.mqtt.will.PendingWill;
import io.wharf.mqtt.will.Will;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where a connection's session comes from and where it goes (MQTT 5 §3.1.2.4, §3.1.2.11; 3.1.1 §3.1.2.4).
 *
 * <p>At CONNECT ({@link #open}), once any earlier connection of the client has let go: a clean start discards
 * the stored session — its waiting will goes out, its queue and bindings are deleted; otherwise the session is
 * resumed if one is stored, in memory ({@link SessionState}) or as a durable queue left by an earlier broker
 * run, and its queue's {@code x-expires} follows the expiry this connection was granted.
 *
 * <p>When the connection ends ({@link #close}): a session with expiry 0 ends — its will (if the connection
 * did not end with a normal DISCONNECT) goes out now, whatever its delay, and a durable queue it had resumed is
 * deleted (a clean session's own queue is exclusive to the connection and goes with it). A longer-lived
 * session is detached: its queue keeps what arrives, the will waits for its delay, and the session expires
 * after its interval ({@link SessionRegistry#detach}).
 */
public final class SessionLifecycle {
    /**
     * What a connection starts from.
     *
     * @param present       CONNACK's Session Present
     * @param queue         the session's queue, if it exists already
     * @param subscriptions its subscriptions, rebuilt from the queue's bindings
     * @param previous      what an earlier connection left in memory, or null
     */
    public record Opened(boolean present, VirtualHost.LiveQueue queue, List<Subscription> subscriptions,
                         SessionState previous) {
        public Deliveries.Handover outbound() { return previous == null ? Deliveries.Handover.NONE : previous.outbound(); }

        public Set<Integer> awaitingRelease() { return previous == null ? Set.of() : previous.awaitingRelease(); }
    }

    private SessionLifecycle() {
    }

    /**
     * Opens the session of an accepted CONNECT. Call on the connection's event loop once it holds the client
     * identifier in {@code registry} and its predecessor has let go.
     *
     * @throws ConnectRefused NOT_AUTHORIZED when the stored session's queue is one the user may not consume
     */
    public static Opened open(SessionRegistry registry, Session session, boolean cleanStart) {
        VirtualHost vhost = session.vhost();
        String name = session.queueName();
        if (cleanStart) {
            registry.discard(session.clientId());
            vhost.deleteQueue(name, false, false, session.connectionId()); // a stored session of an earlier run
            return new Opened(false, null, List.of(), null);
        }
        VirtualHost.LiveQueue queue = vhost.queue(name);
        if (queue != null && !session.permission().canRead(name)) {
            throw new ConnectRefused(ConnectRefused.Refusal.NOT_AUTHORIZED, "resuming the session of client '"
                + session.clientId() + "' needs read on its queue " + name);
        }
        SessionState previous = registry.resume(session.clientId());
        if (queue != null && queue.definition().durable() && !session.clean()) {
            queue = vhost.changeExpiry(name, SessionExpiry.expiresMs(session.expirySeconds()));
        }
        List<Subscription> subscriptions = queue == null ? List.of() : SessionQueues.subscriptions(session);
        return new Opened(previous != null || queue != null, queue, subscriptions, previous);
    }

    /**
     * The connection of {@code session} ended; {@code session} carries the expiry as it is now (a v5
     * DISCONNECT may have changed it). Call on the connection's event loop after its flows have stopped.
     *
     * @param will the will to publish, or null (none, or a normal DISCONNECT discarded it)
     * @param timers where the will delay and the session expiry run
     */
    public static void close(SessionRegistry registry, Session session, Set<Integer> awaitingRelease,
                             Deliveries.Handover outbound, Will will, ScheduledExecutorService timers) {
        VirtualHost vhost = session.vhost();
        if (session.clean()) {
            if (will != null) PendingWill.schedule(will.withoutDelay(), session, timers);
            VirtualHost.LiveQueue q = vhost.queue(session.queueName());
            if (q != null && !q.definition().exclusive()) vhost.deleteQueue(q.name(), false, false, session.connectionId());
            return;
        }
        VirtualHost.LiveQueue q = vhost.queue(session.queueName());
        if (q != null && q.definition().durable()) vhost.changeExpiry(q.name(), SessionExpiry.expiresMs(session.expirySeconds()));
        PendingWill pending = will == null ? null : PendingWill.schedule(will, session, timers);
        registry.detach(new SessionState(session, awaitingRelease, outbound, pending, new SessionState.ExpiryTimer()), timers);
    }
}
