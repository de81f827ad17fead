package io.wharf.broker.share;

/**
 * How share partitions hand out records, from {@code server.properties} under Kafka's key names.
 *
 * @param deliveryCountLimit   {@code group.share.delivery.count.limit}: deliveries after which a record that
 *                             comes back is archived instead of delivered again
 * @param recordLockDurationMs {@code group.share.record.lock.duration.ms}: how long a member holds a record
 *                             it acquired before it goes to someone else
 * @param maxRecordLocks       {@code group.share.partition.max.record.locks}: the most records of one
 *                             partition acquired at once
 */
public record ShareSettings(int deliveryCountLimit, int recordLockDurationMs, int maxRecordLocks) {
    public static final int DEFAULT_DELIVERY_COUNT_LIMIT = 5;
    public static final int DEFAULT_RECORD_LOCK_DURATION_MS = 30_000;
    public static final int DEFAULT_MAX_RECORD_LOCKS = 2_000;

    public ShareSettings {
        if (deliveryCountLimit < 1) throw new IllegalArgumentException("deliveryCountLimit must be at least 1");
        if (recordLockDurationMs < 1) throw new IllegalArgumentException("recordLockDurationMs must be at least 1");
        if (maxRecordLocks < 1) throw new IllegalArgumentException("maxRecordLocks must be at least 1");
    }

    public static ShareSettings defaults() {
        return new ShareSettings(DEFAULT_DELIVERY_COUNT_LIMIT, DEFAULT_RECORD_LOCK_DURATION_MS, DEFAULT_MAX_RECORD_LOCKS);
    }
}
