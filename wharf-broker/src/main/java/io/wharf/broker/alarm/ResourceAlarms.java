package io.wharf.broker.alarm;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alarms now active. Protocols that can slow their publishers (AMQP's {@code connection.blocked},
 * MQTT by not reading) listen here; consumers are never held back, since consuming is what frees the
 * resources. Thread-safe.
 */
public final class ResourceAlarms {
    // One per publishing connection: a copy-on-write list would copy them all at each connection's open and close.
    private final Set<AlarmListener> listeners = ConcurrentHashMap.newKeySet();
    private volatile Set<ResourceAlarm> active = Set.of();

    public Set<ResourceAlarm> active() { return active; }

    public boolean any() { return !active.isEmpty(); }

    /** The reason to give clients for the active alarms (the first, in declaration order), or null. */
    public String reason() {
        Set<ResourceAlarm> now = active;
        return now.isEmpty() ? null : now.iterator().next().reason();
    }

    public void addListener(AlarmListener listener) { listeners.add(listener); }

    public void removeListener(AlarmListener listener) { listeners.remove(listener); }

    /** Raises or clears {@code alarm}; listeners hear of a change only. */
    public void set(ResourceAlarm alarm, boolean on) {
        Set<ResourceAlarm> now;
        synchronized (this) {
            if (active.contains(alarm) == on) return;
            EnumSet<ResourceAlarm> next = EnumSet.noneOf(ResourceAlarm.class);
            next.addAll(active);
            if (on) next.add(alarm);
            else next.remove(alarm);
            now = Collections.unmodifiableSet(next);
            active = now;
        }
        for (AlarmListener l : listeners) l.alarmsChanged(now);
    }
}
