package io.wharf.mqtt.session;

import java.util.Map;

/**
 * The Session Expiry Interval the broker grants (MQTT 5 §3.1.2.11.2; 3.1.1 has none, its clean session flag
 * decides). As RabbitMQ ({@code mqtt.max_session_expiry_interval_seconds}, one day by default), a persistent
 * session lasts at most {@code mqtt.max.session.expiry.seconds} after its connection ends: a 3.1.1 session
 * without clean session gets that maximum, a v5 one what it asked for up to it. 4294967295 (0xFFFFFFFF)
 * means "never expires", as a request and as the maximum.
 */
public final class SessionExpiry {
    /** 0xFFFFFFFF: the session does not expire. */
    public static final long NEVER = 0xFFFFFFFFL;

    private SessionExpiry() {
    }

    /**
     * @param cleanSession 3.x: the clean session flag (ignored for v5)
     * @param requested    v5: the CONNECT's Session Expiry Interval (0 when absent), unsigned
     * @param max          the broker's maximum, {@link #NEVER} for none
     */
    public static long grant(boolean v5, boolean cleanSession, long requested, long max) {
        if (!v5) return cleanSession ? 0 : max;
        return Math.min(requested, max);
    }

    /** The queue arguments of a persistent session's queue: {@code x-expires} in milliseconds, none for NEVER. */
    public static Map<String, Object> queueArguments(long expirySeconds) {
        return expirySeconds == NEVER ? Map.of() : Map.of("x-expires", expiresMs(expirySeconds));
    }

    /** The {@code x-expires} of a session expiry; -1 for NEVER. */
    public static long expiresMs(long expirySeconds) {
        return expirySeconds == NEVER ? -1 : expirySeconds * 1000;
    }
}
