package io.wharf.log;

/**
 * Broker-wide settings of the log manager's background work, under Kafka's names:
 * {@code log.retention.check.interval.ms}, {@code log.flush.scheduler.interval.ms},
 * {@code log.flush.offset.checkpoint.interval.ms}, {@code log.cleaner.enable},
 * {@code log.cleaner.backoff.ms}, and the cleaner's key map capacity (Kafka sizes it in bytes with
 * {@code log.cleaner.dedupe.buffer.size}; here it is a number of keys).
 */
public record LogManagerSettings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                                 boolean cleanerEnabled, long cleanerBackoffMs, int cleanerMaxKeys) {
    public static LogManagerSettings defaults() {
        return new LogManagerSettings(300_000, Long.MAX_VALUE, 60_000, true, 15_000, 4_000_000);
    }
}
