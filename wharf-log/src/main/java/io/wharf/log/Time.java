package io.wharf.log;

/** Wall-clock milliseconds; injected so that retention, roll and compaction tests control time. */
@FunctionalInterface
public interface Time {
    Time SYSTEM = System::currentTimeMillis;

    long milliseconds();
}
