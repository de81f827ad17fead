package io.wharf.broker.alarm;

import java.util.Set;

/** Told when the set of active alarms changes; called on the monitor's thread, so it must be quick. */
@FunctionalInterface
public interface AlarmListener {
    void alarmsChanged(Set<ResourceAlarm> active);
}
