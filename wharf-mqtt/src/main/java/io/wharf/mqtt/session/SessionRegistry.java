package io.wharf.mqtt.session;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which connection holds each client identifier's session, and the sessions no connection holds.
 *
 * <p>A CONNECT with an identifier already held takes the session over [MQTT-3.1.4-2]: the holder is told to go
 * ({@link Holder#takenOver}) and the newcomer goes on only once the holder has let everything go (its
 * deliveries requeued, a clean session's queue deleted, a persistent session {@linkplain #detach detached}),
 * so two connections never work on one session at once. Claims of one identifier form a chain: each waits
 * for the one before, also when that one was itself taken over before it was done connecting.
 *
 * <p>A persistent session whose connection ended waits here ({@link SessionState}) until a connection resumes
 * it ({@link #resume}), a clean start discards it ({@link #discard}), or its expiry interval is over — then it
 * ends: its pending will goes out and its queue is deleted.
 *
 * <p>Thread-safe.
 */
public final class SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /** A connection that may hold a session. */
    public interface Holder {
        /** Another connection claimed the session: close (v5: DISCONNECT 0x8E first). Any thread. */
        void takenOver();

        /** Completes once this holder has let the session go (its connection closed and cleaned up). */
        CompletableFuture<Void> released();
    }

    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final Map<String, SessionState> detached = new ConcurrentHashMap<>();

    /**
     * Makes {@code holder} the session's; returns a future completed once the previous holder, if any, has
     * let it go. The previous holder is told it was taken over.
     */
    public CompletableFuture<Void> claim(String clientId, Holder holder) {
        Holder previous = holders.put(clientId, holder);
        if (previous == null || previous == holder) return CompletableFuture.completedFuture(null);
        previous.takenOver();
        return previous.released();
    }

    /** The holder is gone; the identifier is free unless someone claimed it since. */
    public void release(String clientId, Holder holder) {
        holders.remove(clientId, holder);
    }

    /** Connections holding a session now. */
    public int size() { return holders.size(); }

    public boolean isHeld(String clientId) { return holders.containsKey(clientId); }

    // ---- sessions without a connection ----

    /**
     * A persistent session's connection ended: keeps its state until it is resumed, discarded or expires
     * ({@code state.session().expirySeconds()} from now; {@link SessionExpiry#NEVER}: never). Call before
     * {@link #release}, so that a connection waiting to take the session over finds it.
     */
    public void detach(SessionState state, ScheduledExecutorService timers) {
        String clientId = state.session().clientId();
        SessionState before = detached.put(clientId, state);
        if (before != null) before.resumed(); // cannot happen: the chain of claims resumes before it detaches
        long seconds = state.session().expirySeconds();
        if (seconds != SessionExpiry.NEVER) {
            state.expiry().set(timers.schedule(() -> expire(clientId, state), seconds, TimeUnit.SECONDS));
        }
    }

    /** The detached state of the client's session, now resumed (no will, no expiry), or null if there is none. */
    public SessionState resume(String clientId) {
        SessionState s = detached.remove(clientId);
        if (s != null) s.resumed();
        return s;
    }

    /** A clean start: the client's detached session, if any, ends now. Returns whether there was one. */
    public boolean discard(String clientId) {
        SessionState s = detached.remove(clientId);
        if (s == null) return false;
        s.end();
        return true;
    }

    /** Sessions waiting for their client. */
    public int detachedCount() { return detached.size(); }

    public boolean isDetached(String clientId) { return detached.containsKey(clientId); }

    private void expire(String clientId, SessionState state) {
        if (!detached.remove(clientId, state)) return; // resumed or discarded meanwhile
        LOG.debug("The session of MQTT client '{}' expired", clientId);
        try {
            state.end();
        } catch (RuntimeException e) {
            LOG.error("Ending the expired session of MQTT client '{}' failed", clientId, e);
        }
    }
}
