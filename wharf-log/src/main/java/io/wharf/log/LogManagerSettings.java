package io.wharf.log;

/**
 * Broker-wide settings of the log manager's background work, under Kafka's names:
 * {@code log.retention.check.interval.ms}, {@code log.flush.scheduler.interval.ms},
 * {@code log.flush.offset.checkpoint.interval.ms}, {@code log.cleaner.enable},
 * {@code log.cleaner.backoff.ms}, the cleaner's key map capacity (Kafka sizes it in bytes with
 * {@code log.cleaner.dedupe.buffer.size}; here it is a number of keys), and {@code producer.id.expiration.ms}
 * (producers silent that long are forgotten at the next retention check).
 */
public record LogManagerSettings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                                 boolean cleanerEnabled, long cleanerBackoffMs, int cleanerMaxKeys,
                                 long producerIdExpirationMs) {
    /** Kafka's default {@code producer.id.expiration.ms}: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;

    /** With Kafka's default producer id expiration. */
    public LogManagerSettings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                              boolean cleanerEnabled, long cleanerBackoffMs, int cleanerMaxKeys) {
        this(retentionCheckIntervalMs, flushCheckIntervalMs, checkpointIntervalMs, cleanerEnabled, cleanerBackoffMs,
            cleanerMaxKeys, DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    public static LogManagerSettings defaults() {
        return new LogManagerSettings(300_000, Long.MAX_VALUE, 60_000, true, 15_000, 4_000_000);
    }
}
