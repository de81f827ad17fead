package io.wharf.mqtt.access;

import io.wharf.broker.security.Permission;

/**
 * A connection's permissions in its vhost as they are now: replaced when an administrator changes them
 * ({@link io.wharf.broker.security.LiveConnections}), so that the next PUBLISH, SUBSCRIBE or UNSUBSCRIBE is
 * checked against the new ones, as RabbitMQ does. Thread-safe.
 */
public final class LivePermission {
    private volatile Permission current;

    public LivePermission(Permission initial) {
        this.current = initial;
    }

    public Permission get() { return current; }

    public void set(Permission now) { current = now; }
}
