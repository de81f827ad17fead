package io.wharf.mqtt.session;

import io.wharf.mqtt.will.PendingWill;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * What a persistent session keeps in memory between two connections, beside its queue and bindings (which
 * are durable): the QoS 2 packet identifiers the client sent and has not released, the packet identifiers of
 * deliveries the client had not acknowledged and of those awaiting PUBCOMP ({@link Deliveries.Handover}),
 * and the will waiting for its delay. None of it survives a broker restart: a client then gets its
 * unacknowledged messages again under new packet identifiers, and no PUBREL for what it had received.
 *
 * @param session    the session as its last connection had it (for the will, and to end it)
 * @param awaitingRelease inbound QoS 2 identifiers awaiting PUBREL
 * @param outbound   the outbound flows in progress
 * @param will       the will waiting for its delay, or null
 */
public record SessionState(Session session, Set<Integer> awaitingRelease, Deliveries.Handover outbound, PendingWill will,
                           ExpiryTimer expiry) {
    /** The session's expiry, once its connection is gone; settable once, cancellable. */
    public static final class ExpiryTimer {
        private ScheduledFuture<?> timer;
        private boolean cancelled;

        synchronized void set(ScheduledFuture<?> f) {
            if (cancelled) f.cancel(false);
            else timer = f;
        }

        synchronized void cancel() {
            cancelled = true;
            if (timer != null) timer.cancel(false);
        }
    }

    public SessionState {
        awaitingRelease = Set.copyOf(awaitingRelease);
    }

    /**
     * The session ends (it expired, or a clean start discards it): the will, if it still waits, goes out now
     * (MQTT 5 §3.1.3.2.2: at the end of the delay or of the session, whichever is first), and its queue and
     * bindings are deleted. Any thread.
     */
    void end() {
        expiry.cancel();
        if (will != null) will.publishNow();
        session.vhost().deleteQueue(session.queueName(), false, false, 0);
    }

    /** The client is back in time: no will, no expiry. */
    void resumed() {
        expiry.cancel();
        if (will != null) will.cancel();
    }
}
