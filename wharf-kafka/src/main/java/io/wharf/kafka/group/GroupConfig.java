package io.wharf.kafka.group;

import io.wharf.kafka.KafkaSettings;

/**
 * The group coordinator's limits and retention, from {@code server.properties} under Kafka's key names
 * (the constants are Kafka's defaults, for tests and tools that build one by hand).
 *
 * @param minSessionTimeoutMs       {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs       {@code group.max.session.timeout.ms}
 * @param maxSize                   {@code group.max.size}
 * @param initialRebalanceDelayMs   {@code group.initial.rebalance.delay.ms}
 * @param offsetMetadataMaxBytes    {@code offset.metadata.max.bytes}
 * @param offsetsRetentionMs        {@code offsets.retention.minutes}, in ms
 * @param retentionCheckIntervalMs  {@code offsets.retention.check.interval.ms}
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize, int initialRebalanceDelayMs,
                          int offsetMetadataMaxBytes, long offsetsRetentionMs, long retentionCheckIntervalMs) {
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
    public static final int DEFAULT_MAX_SIZE = Integer.MAX_VALUE;
    public static final int DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096;
    public static final long DEFAULT_OFFSETS_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 600_000;

    public static GroupConfig from(KafkaSettings settings) {
        return new GroupConfig(settings.groupMinSessionTimeoutMs(), settings.groupMaxSessionTimeoutMs(),
            settings.groupMaxSize(), settings.groupInitialRebalanceDelayMs(), settings.offsetMetadataMaxBytes(),
            settings.offsetsRetentionMs(), settings.offsetsRetentionCheckIntervalMs());
    }
}
