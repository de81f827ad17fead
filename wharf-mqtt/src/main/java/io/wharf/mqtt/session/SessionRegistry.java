package io.wharf.mqtt.session;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connection holds each client identifier's session. A CONNECT with an identifier already held takes
 * the session over [MQTT-3.1.4-2]: the holder is told to go ({@link Holder#takenOver}) and the newcomer goes
 * on only once the holder has let everything go (its deliveries requeued, a clean session's queue deleted),
 * so two connections never work on one session at once. Claims of one identifier form a chain: each waits
 * for the one before, also when that one was itself taken over before it was done connecting.
 *
 * <p>Thread-safe.
 */
public final class SessionRegistry {
    /** A connection that may hold a session. */
    public interface Holder {
        /** Another connection claimed the session: close (v5: DISCONNECT 0x8E first). Any thread. */
        void takenOver();

        /** Completes once this holder has let the session go (its connection closed and cleaned up). */
        CompletableFuture<Void> released();
    }

    private final Map<String, Holder> holders = new ConcurrentHashMap<>();

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
}
