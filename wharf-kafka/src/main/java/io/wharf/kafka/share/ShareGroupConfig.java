package io.wharf.kafka.share;

import io.wharf.broker.share.ShareSettings;

/**
 * The settings of share groups, from {@code server.properties} under Kafka's key names.
 *
 * @param heartbeatIntervalMs {@code group.share.heartbeat.interval.ms}: how often members heartbeat
 * @param sessionTimeoutMs    {@code group.share.session.timeout.ms}: a member silent this long is removed and
 *                            the records it holds are released
 * @param maxSize             {@code group.share.max.size}: the most members of one share group
 * @param autoOffsetReset     {@code share.auto.offset.reset}, the group default: where a share group starts
 *                            reading a partition it never read, {@code latest} or {@code earliest}
 * @param partitions          how share partitions lock and count deliveries
 */
public record ShareGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, int maxSize, String autoOffsetReset,
                               ShareSettings partitions) {
    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    public static final int DEFAULT_MAX_SIZE = 200;

    public static ShareGroupConfig defaults() {
        return new ShareGroupConfig(DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_MAX_SIZE, "latest",
            ShareSettings.defaults());
    }

    public boolean startAtEarliest() { return "earliest".equals(autoOffsetReset); }
}
