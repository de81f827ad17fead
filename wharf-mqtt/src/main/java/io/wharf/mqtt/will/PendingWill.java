package io.wharf.mqtt.will;

import io.wharf.mqtt.session.Session;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A will waiting for its Will Delay Interval (MQTT 5 §3.1.3.2.2) after its connection ended: published when the
 * delay is over, or at once if the session ends first ({@link #publishNow}); not at all if the client comes back
 * to the session in time ({@link #cancel}). Whichever comes first wins; the will goes out at most once.
 *
 * <p>Thread-safe: the timer, the connection that resumes the session and the session's expiry may race.
 */
public final class PendingWill {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWill.class);

    private final Will will;
    private final Session session;
    private ScheduledFuture<?> timer;
    private boolean done;

    private PendingWill(Will will, Session session) {
        this.will = will;
        this.session = session;
    }

    /** Publishes {@code will} after its delay (at once without one), on {@code timers}. */
    public static PendingWill schedule(Will will, Session session, ScheduledExecutorService timers) {
        PendingWill p = new PendingWill(will, session);
        if (will.delaySeconds() == 0) {
            p.publishNow();
        } else {
            synchronized (p) {
                p.timer = timers.schedule(p::publishNow, will.delaySeconds(), TimeUnit.SECONDS);
            }
        }
        return p;
    }

    /** Publishes the will now unless it went out or was cancelled already. */
    public void publishNow() {
        synchronized (this) {
            if (done) return;
            done = true;
            if (timer != null) timer.cancel(false);
        }
        LOG.debug("Publishing the will of MQTT client '{}' to '{}'", session.clientId(), will.topic());
        will.publish(session).whenComplete((n, e) -> {
            if (e != null) LOG.warn("The will of MQTT client '{}' was not stored: {}", session.clientId(), e.toString());
        });
    }

    /** The client came back to the session: the will is not published. */
    public synchronized void cancel() {
        if (done) return;
        done = true;
        if (timer != null) timer.cancel(false);
    }
}
