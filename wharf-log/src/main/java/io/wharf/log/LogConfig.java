package io.wharf.log;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one log, under Kafka's topic-level names ({@code segment.bytes}, {@code retention.ms},
 * {@code cleanup.policy}, ...). A broker builds the defaults from its own {@code log.*} keys and lays a
 * topic's overrides on top with {@link #withOverrides(Map)}. Immutable.
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    int maxIndexSize,
    int indexIntervalBytes,
    long retentionMs,
    long retentionBytes,
    Set<CleanupPolicy> cleanupPolicy,
    long deleteRetentionMs,
    long minCompactionLagMs,
    double minCleanableDirtyRatio,
    long flushIntervalMessages,
    long flushIntervalMs,
    long fileDeleteDelayMs,
    int maxMessageBytes,
    TimestampType timestampType) {

    public enum CleanupPolicy {
        DELETE, COMPACT;

        public String configName() { return name().toLowerCase(Locale.ROOT); }
    }

    public enum TimestampType { CREATE_TIME, LOG_APPEND_TIME }

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";

    /** The topic-level keys this class understands. */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, SEGMENT_INDEX_BYTES,
        INDEX_INTERVAL_BYTES, RETENTION_MS, RETENTION_BYTES, CLEANUP_POLICY, DELETE_RETENTION_MS,
        MIN_COMPACTION_LAG_MS, MIN_CLEANABLE_DIRTY_RATIO, FLUSH_MESSAGES, FLUSH_MS, FILE_DELETE_DELAY_MS,
        MAX_MESSAGE_BYTES, MESSAGE_TIMESTAMP_TYPE);

    /** Kafka's defaults: 1 GiB segments rolled weekly, 7 days' retention, flushing left to the OS. */
    public static LogConfig defaults() {
        return new LogConfig(1024 * 1024 * 1024, 7L * 24 * 3600 * 1000, 10 * 1024 * 1024, 4096,
            7L * 24 * 3600 * 1000, -1, EnumSet.of(CleanupPolicy.DELETE), 24L * 3600 * 1000, 0, 0.5,
            Long.MAX_VALUE, Long.MAX_VALUE, 60_000, 1024 * 1024 + 12, TimestampType.CREATE_TIME);
    }

    public LogConfig {
        cleanupPolicy = cleanupPolicy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(cleanupPolicy));
        if (segmentBytes < RecordBatchLimits.MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException(SEGMENT_BYTES + " must be at least " + RecordBatchLimits.MIN_SEGMENT_BYTES
                + ", got " + segmentBytes);
        }
        if (segmentMs < 1) throw new IllegalArgumentException(SEGMENT_MS + " must be at least 1, got " + segmentMs);
        if (maxIndexSize < 4 * OffsetIndex.ENTRY_SIZE) {
            throw new IllegalArgumentException(SEGMENT_INDEX_BYTES + " must be at least 32, got " + maxIndexSize);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException(INDEX_INTERVAL_BYTES + " must not be negative, got " + indexIntervalBytes);
        }
        if (minCleanableDirtyRatio < 0 || minCleanableDirtyRatio > 1) {
            throw new IllegalArgumentException(MIN_CLEANABLE_DIRTY_RATIO + " must be in [0, 1], got " + minCleanableDirtyRatio);
        }
        if (flushIntervalMessages < 1) {
            throw new IllegalArgumentException(FLUSH_MESSAGES + " must be at least 1, got " + flushIntervalMessages);
        }
        if (maxMessageBytes < 0) throw new IllegalArgumentException(MAX_MESSAGE_BYTES + " must not be negative");
    }

    public boolean compact() { return cleanupPolicy.contains(CleanupPolicy.COMPACT); }
    public boolean delete() { return cleanupPolicy.contains(CleanupPolicy.DELETE); }

    /**
     * These settings with a topic's overrides applied. Unknown keys are ignored (they belong to other
     * layers, e.g. {@code min.insync.replicas}); a known key with a bad value throws
     * {@link IllegalArgumentException} naming the key.
     */
    public LogConfig withOverrides(Map<String, String> overrides) {
        Builder b = new Builder(this);
        overrides.forEach((key, value) -> {
            if (value == null) return;
            String v = value.trim();
            try {
                switch (key) {
                    case SEGMENT_BYTES -> b.c.segmentBytes = Integer.parseInt(v);
                    case SEGMENT_MS -> b.c.segmentMs = Long.parseLong(v);
                    case SEGMENT_INDEX_BYTES -> b.c.maxIndexSize = Integer.parseInt(v);
                    case INDEX_INTERVAL_BYTES -> b.c.indexIntervalBytes = Integer.parseInt(v);
                    case RETENTION_MS -> b.c.retentionMs = Long.parseLong(v);
                    case RETENTION_BYTES -> b.c.retentionBytes = Long.parseLong(v);
                    case CLEANUP_POLICY -> b.c.cleanupPolicy = parsePolicy(v);
                    case DELETE_RETENTION_MS -> b.c.deleteRetentionMs = Long.parseLong(v);
                    case MIN_COMPACTION_LAG_MS -> b.c.minCompactionLagMs = Long.parseLong(v);
                    case MIN_CLEANABLE_DIRTY_RATIO -> b.c.minCleanableDirtyRatio = Double.parseDouble(v);
                    case FLUSH_MESSAGES -> b.c.flushIntervalMessages = Long.parseLong(v);
                    case FLUSH_MS -> b.c.flushIntervalMs = Long.parseLong(v);
                    case FILE_DELETE_DELAY_MS -> b.c.fileDeleteDelayMs = Long.parseLong(v);
                    case MAX_MESSAGE_BYTES -> b.c.maxMessageBytes = Integer.parseInt(v);
                    case MESSAGE_TIMESTAMP_TYPE -> b.c.timestampType = parseTimestampType(v);
                    default -> { }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": not a number");
            }
        });
        return b.build();
    }

    private static Set<CleanupPolicy> parsePolicy(String value) {
        EnumSet<CleanupPolicy> set = EnumSet.noneOf(CleanupPolicy.class);
        for (String part : value.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "delete" -> set.add(CleanupPolicy.DELETE);
                case "compact" -> set.add(CleanupPolicy.COMPACT);
                case "" -> { }
                default -> throw new IllegalArgumentException("Invalid value '" + value + "' for " + CLEANUP_POLICY
                    + ": expected a list of delete, compact");
            }
        }
        return set;
    }

    private static TimestampType parseTimestampType(String value) {
        return switch (value) {
            case "CreateTime" -> TimestampType.CREATE_TIME;
            case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
            default -> throw new IllegalArgumentException("Invalid value '" + value + "' for " + MESSAGE_TIMESTAMP_TYPE
                + ": expected CreateTime or LogAppendTime");
        };
    }

    public Builder toBuilder() { return new Builder(this); }

    public static Builder builder() { return new Builder(defaults()); }

    /** Mutable copy used to derive a config field by field (tests, the broker's defaults). */
    public static final class Builder {
        private final Fields c = new Fields();

        private Builder(LogConfig from) {
            c.segmentBytes = from.segmentBytes;
            c.segmentMs = from.segmentMs;
            c.maxIndexSize = from.maxIndexSize;
            c.indexIntervalBytes = from.indexIntervalBytes;
            c.retentionMs = from.retentionMs;
            c.retentionBytes = from.retentionBytes;
            c.cleanupPolicy = from.cleanupPolicy;
            c.deleteRetentionMs = from.deleteRetentionMs;
            c.minCompactionLagMs = from.minCompactionLagMs;
            c.minCleanableDirtyRatio = from.minCleanableDirtyRatio;
            c.flushIntervalMessages = from.flushIntervalMessages;
            c.flushIntervalMs = from.flushIntervalMs;
            c.fileDeleteDelayMs = from.fileDeleteDelayMs;
            c.maxMessageBytes = from.maxMessageBytes;
            c.timestampType = from.timestampType;
        }

        public Builder segmentBytes(int v) { c.segmentBytes = v; return this; }
        public Builder segmentMs(long v) { c.segmentMs = v; return this; }
        public Builder maxIndexSize(int v) { c.maxIndexSize = v; return this; }
        public Builder indexIntervalBytes(int v) { c.indexIntervalBytes = v; return this; }
        public Builder retentionMs(long v) { c.retentionMs = v; return this; }
        public Builder retentionBytes(long v) { c.retentionBytes = v; return this; }
        public Builder cleanupPolicy(CleanupPolicy... v) { c.cleanupPolicy = Set.copyOf(Arrays.asList(v)); return this; }
        public Builder deleteRetentionMs(long v) { c.deleteRetentionMs = v; return this; }
        public Builder minCompactionLagMs(long v) { c.minCompactionLagMs = v; return this; }
        public Builder minCleanableDirtyRatio(double v) { c.minCleanableDirtyRatio = v; return this; }
        public Builder flushIntervalMessages(long v) { c.flushIntervalMessages = v; return this; }
        public Builder flushIntervalMs(long v) { c.flushIntervalMs = v; return this; }
        public Builder fileDeleteDelayMs(long v) { c.fileDeleteDelayMs = v; return this; }
        public Builder maxMessageBytes(int v) { c.maxMessageBytes = v; return this; }
        public Builder timestampType(TimestampType v) { c.timestampType = v; return this; }

        public LogConfig build() {
            return new LogConfig(c.segmentBytes, c.segmentMs, c.maxIndexSize, c.indexIntervalBytes, c.retentionMs,
                c.retentionBytes, c.cleanupPolicy, c.deleteRetentionMs, c.minCompactionLagMs, c.minCleanableDirtyRatio,
                c.flushIntervalMessages, c.flushIntervalMs, c.fileDeleteDelayMs, c.maxMessageBytes, c.timestampType);
        }
    }

    private static final class Fields {
        int segmentBytes;
        long segmentMs;
        int maxIndexSize;
        int indexIntervalBytes;
        long retentionMs;
        long retentionBytes;
        Set<CleanupPolicy> cleanupPolicy;
        long deleteRetentionMs;
        long minCompactionLagMs;
        double minCleanableDirtyRatio;
        long flushIntervalMessages;
        long flushIntervalMs;
        long fileDeleteDelayMs;
        int maxMessageBytes;
        TimestampType timestampType;
    }
}
