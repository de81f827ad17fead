package io.wharf.log;

import io.wharf.log.record.Compression;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The settings of one log, under Kafka's topic-level names ({@code segment.bytes}, {@code retention.ms},
 * {@code cleanup.policy}, ...). A broker builds the defaults from its own {@code log.*} keys and lays a
 * topic's overrides on top with {@link #withOverrides(Map)}. Values are checked against Kafka's ranges
 * when the config is built. Immutable.
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    long segmentJitterMs,
    int maxIndexSize,
    int indexIntervalBytes,
    long retentionMs,
    long retentionBytes,
    Set<CleanupPolicy> cleanupPolicy,
    long deleteRetentionMs,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio,
    long flushIntervalMessages,
    long flushIntervalMs,
    long fileDeleteDelayMs,
    int maxMessageBytes,
    TimestampType timestampType,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs,
    TopicCompression compressionType,
    int gzipLevel,
    int lz4Level,
    int zstdLevel) {

    public enum CleanupPolicy {
        DELETE, COMPACT;

        public String configName() { return name().toLowerCase(Locale.ROOT); }
    }

    public enum TimestampType { CREATE_TIME, LOG_APPEND_TIME }

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";

    /** The topic-level keys this class understands. */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, SEGMENT_JITTER_MS, SEGMENT_INDEX_BYTES,
        INDEX_INTERVAL_BYTES, RETENTION_MS, RETENTION_BYTES, CLEANUP_POLICY, DELETE_RETENTION_MS,
        MIN_COMPACTION_LAG_MS, MAX_COMPACTION_LAG_MS, MIN_CLEANABLE_DIRTY_RATIO, FLUSH_MESSAGES, FLUSH_MS,
        FILE_DELETE_DELAY_MS, MAX_MESSAGE_BYTES, MESSAGE_TIMESTAMP_TYPE, MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
        MESSAGE_TIMESTAMP_AFTER_MAX_MS, COMPRESSION_TYPE, COMPRESSION_GZIP_LEVEL, COMPRESSION_LZ4_LEVEL,
        COMPRESSION_ZSTD_LEVEL);

    /**
     * Kafka 4's defaults: 1 GiB segments rolled weekly without jitter, 7 days' retention, flushing left to
     * the OS, no bound on how old a record's timestamp may be but at most an hour ahead of the broker's
     * clock (KIP-1030), batches stored in the producer's codec.
     */
    public static LogConfig defaults() {
        return new LogConfig(1024 * 1024 * 1024, 7L * 24 * 3600 * 1000, 0, 10 * 1024 * 1024, 4096,
            7L * 24 * 3600 * 1000, -1, EnumSet.of(CleanupPolicy.DELETE), 24L * 3600 * 1000, 0, Long.MAX_VALUE, 0.5,
            Long.MAX_VALUE, Long.MAX_VALUE, 60_000, 1024 * 1024 + 12, TimestampType.CREATE_TIME,
            Long.MAX_VALUE, 3_600_000, TopicCompression.PRODUCER, Compression.GZIP.defaultLevel(),
            Compression.LZ4.defaultLevel(), Compression.ZSTD.defaultLevel());
    }

    public LogConfig {
        cleanupPolicy = cleanupPolicy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(cleanupPolicy));
        if (segmentBytes < RecordBatchLimits.MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException(SEGMENT_BYTES + " must be at least " + RecordBatchLimits.MIN_SEGMENT_BYTES
                + ", got " + segmentBytes);
        }
        if (segmentMs < 1) throw new IllegalArgumentException(SEGMENT_MS + " must be at least 1, got " + segmentMs);
        requireAtLeast(SEGMENT_JITTER_MS, segmentJitterMs, 0);
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
        requireAtLeast(MIN_COMPACTION_LAG_MS, minCompactionLagMs, 0);
        requireAtLeast(MAX_COMPACTION_LAG_MS, maxCompactionLagMs, 1);
        if (minCompactionLagMs > maxCompactionLagMs) {
            throw new IllegalArgumentException("conflict topic config setting " + MIN_COMPACTION_LAG_MS + " ("
                + minCompactionLagMs + ") > " + MAX_COMPACTION_LAG_MS + " (" + maxCompactionLagMs + ")");
        }
        requireAtLeast(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, timestampBeforeMaxMs, 0);
        requireAtLeast(MESSAGE_TIMESTAMP_AFTER_MAX_MS, timestampAfterMaxMs, 0);
        if (compressionType == null) throw new IllegalArgumentException(COMPRESSION_TYPE + " must be set");
        requireLevel(COMPRESSION_GZIP_LEVEL, Compression.GZIP, gzipLevel);
        requireLevel(COMPRESSION_LZ4_LEVEL, Compression.LZ4, lz4Level);
        requireLevel(COMPRESSION_ZSTD_LEVEL, Compression.ZSTD, zstdLevel);
    }

    private static void requireAtLeast(String key, long value, long min) {
        if (value < min) throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
    }

    private static void requireLevel(String key, Compression codec, int level) {
        if (!codec.isValidLevel(level)) {
            throw new IllegalArgumentException(key + " must be in " + codec.levelRange() + ", got " + level);
        }
    }

    public boolean compact() { return cleanupPolicy.contains(CleanupPolicy.COMPACT); }
    public boolean delete() { return cleanupPolicy.contains(CleanupPolicy.DELETE); }

    /**
     * How old the active segment may grow before it is rolled: {@code segment.ms}, or for a compacted log
     * {@code max.compaction.lag.ms} if that is sooner, because the cleaner never touches the active segment
     * and a record must become cleanable within the lag (Kafka's maxSegmentMs).
     */
    public long maxSegmentMs() {
        return compact() ? Math.min(maxCompactionLagMs, segmentMs) : segmentMs;
    }

    /**
     * A new segment's roll jitter: uniform in [0, min(segment.jitter.ms, {@link #maxSegmentMs()})), drawn
     * once per segment and subtracted from its roll time, so that logs created together do not all roll
     * (and hit the disk) at the same moment. Kafka bounds it by segment.ms; bounding it by the effective
     * roll time as well keeps a short max.compaction.lag.ms from turning every append into a roll.
     */
    public long randomSegmentJitterMs() {
        if (segmentJitterMs == 0) return 0;
        return ThreadLocalRandom.current().nextLong(Math.min(segmentJitterMs, maxSegmentMs()));
    }

    /** The codec batches are stored in; empty when each keeps its producer's ({@code compression.type=producer}). */
    public Optional<Compression> storedCompression() { return compressionType.codec(); }

    /** The level of {@link #storedCompression()}: its {@code compression.<codec>.level}, or the codec's default. */
    public int compressionLevel() {
        return switch (compressionType) {
            case GZIP -> gzipLevel;
            case LZ4 -> lz4Level;
            case ZSTD -> zstdLevel;
            case UNCOMPRESSED, SNAPPY, PRODUCER -> storedCompression().map(Compression::defaultLevel).orElse(0);
        };
    }

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
                    case SEGMENT_JITTER_MS -> b.c.segmentJitterMs = Long.parseLong(v);
                    case SEGMENT_INDEX_BYTES -> b.c.maxIndexSize = Integer.parseInt(v);
                    case INDEX_INTERVAL_BYTES -> b.c.indexIntervalBytes = Integer.parseInt(v);
                    case RETENTION_MS -> b.c.retentionMs = Long.parseLong(v);
                    case RETENTION_BYTES -> b.c.retentionBytes = Long.parseLong(v);
                    case CLEANUP_POLICY -> b.c.cleanupPolicy = parsePolicy(v);
                    case DELETE_RETENTION_MS -> b.c.deleteRetentionMs = Long.parseLong(v);
                    case MIN_COMPACTION_LAG_MS -> b.c.minCompactionLagMs = Long.parseLong(v);
                    case MAX_COMPACTION_LAG_MS -> b.c.maxCompactionLagMs = Long.parseLong(v);
                    case MIN_CLEANABLE_DIRTY_RATIO -> b.c.minCleanableDirtyRatio = Double.parseDouble(v);
                    case FLUSH_MESSAGES -> b.c.flushIntervalMessages = Long.parseLong(v);
                    case FLUSH_MS -> b.c.flushIntervalMs = Long.parseLong(v);
                    case FILE_DELETE_DELAY_MS -> b.c.fileDeleteDelayMs = Long.parseLong(v);
                    case MAX_MESSAGE_BYTES -> b.c.maxMessageBytes = Integer.parseInt(v);
                    case MESSAGE_TIMESTAMP_TYPE -> b.c.timestampType = parseTimestampType(v);
                    case MESSAGE_TIMESTAMP_BEFORE_MAX_MS -> b.c.timestampBeforeMaxMs = Long.parseLong(v);
                    case MESSAGE_TIMESTAMP_AFTER_MAX_MS -> b.c.timestampAfterMaxMs = Long.parseLong(v);
                    case COMPRESSION_TYPE -> b.c.compressionType = TopicCompression.forName(v);
                    case COMPRESSION_GZIP_LEVEL -> b.c.gzipLevel = Integer.parseInt(v);
                    case COMPRESSION_LZ4_LEVEL -> b.c.lz4Level = Integer.parseInt(v);
                    case COMPRESSION_ZSTD_LEVEL -> b.c.zstdLevel = Integer.parseInt(v);
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
            c.segmentJitterMs = from.segmentJitterMs;
            c.maxIndexSize = from.maxIndexSize;
            c.indexIntervalBytes = from.indexIntervalBytes;
            c.retentionMs = from.retentionMs;
            c.retentionBytes = from.retentionBytes;
            c.cleanupPolicy = from.cleanupPolicy;
            c.deleteRetentionMs = from.deleteRetentionMs;
            c.minCompactionLagMs = from.minCompactionLagMs;
            c.maxCompactionLagMs = from.maxCompactionLagMs;
            c.minCleanableDirtyRatio = from.minCleanableDirtyRatio;
            c.flushIntervalMessages = from.flushIntervalMessages;
            c.flushIntervalMs = from.flushIntervalMs;
            c.fileDeleteDelayMs = from.fileDeleteDelayMs;
            c.maxMessageBytes = from.maxMessageBytes;
            c.timestampType = from.timestampType;
            c.timestampBeforeMaxMs = from.timestampBeforeMaxMs;
            c.timestampAfterMaxMs = from.timestampAfterMaxMs;
            c.compressionType = from.compressionType;
            c.gzipLevel = from.gzipLevel;
            c.lz4Level = from.lz4Level;
            c.zstdLevel = from.zstdLevel;
        }

        public Builder segmentBytes(int v) { c.segmentBytes = v; return this; }
        public Builder segmentMs(long v) { c.segmentMs = v; return this; }
        public Builder segmentJitterMs(long v) { c.segmentJitterMs = v; return this; }
        public Builder maxIndexSize(int v) { c.maxIndexSize = v; return this; }
        public Builder indexIntervalBytes(int v) { c.indexIntervalBytes = v; return this; }
        public Builder retentionMs(long v) { c.retentionMs = v; return this; }
        public Builder retentionBytes(long v) { c.retentionBytes = v; return this; }
        public Builder cleanupPolicy(CleanupPolicy... v) { c.cleanupPolicy = Set.copyOf(Arrays.asList(v)); return this; }
        public Builder deleteRetentionMs(long v) { c.deleteRetentionMs = v; return this; }
        public Builder minCompactionLagMs(long v) { c.minCompactionLagMs = v; return this; }
        public Builder maxCompactionLagMs(long v) { c.maxCompactionLagMs = v; return this; }
        public Builder minCleanableDirtyRatio(double v) { c.minCleanableDirtyRatio = v; return this; }
        public Builder flushIntervalMessages(long v) { c.flushIntervalMessages = v; return this; }
        public Builder flushIntervalMs(long v) { c.flushIntervalMs = v; return this; }
        public Builder fileDeleteDelayMs(long v) { c.fileDeleteDelayMs = v; return this; }
        public Builder maxMessageBytes(int v) { c.maxMessageBytes = v; return this; }
        public Builder timestampType(TimestampType v) { c.timestampType = v; return this; }
        public Builder timestampBeforeMaxMs(long v) { c.timestampBeforeMaxMs = v; return this; }
        public Builder timestampAfterMaxMs(long v) { c.timestampAfterMaxMs = v; return this; }
        public Builder compressionType(TopicCompression v) { c.compressionType = v; return this; }
        public Builder gzipLevel(int v) { c.gzipLevel = v; return this; }
        public Builder lz4Level(int v) { c.lz4Level = v; return this; }
        public Builder zstdLevel(int v) { c.zstdLevel = v; return this; }

        public LogConfig build() {
            return new LogConfig(c.segmentBytes, c.segmentMs, c.segmentJitterMs, c.maxIndexSize, c.indexIntervalBytes,
                c.retentionMs, c.retentionBytes, c.cleanupPolicy, c.deleteRetentionMs, c.minCompactionLagMs,
                c.maxCompactionLagMs, c.minCleanableDirtyRatio, c.flushIntervalMessages, c.flushIntervalMs,
                c.fileDeleteDelayMs, c.maxMessageBytes, c.timestampType, c.timestampBeforeMaxMs, c.timestampAfterMaxMs,
                c.compressionType, c.gzipLevel, c.lz4Level, c.zstdLevel);
        }
    }

    private static final class Fields {
        int segmentBytes;
        long segmentMs;
        long segmentJitterMs;
        int maxIndexSize;
        int indexIntervalBytes;
        long retentionMs;
        long retentionBytes;
        Set<CleanupPolicy> cleanupPolicy;
        long deleteRetentionMs;
        long minCompactionLagMs;
        long maxCompactionLagMs;
        double minCleanableDirtyRatio;
        long flushIntervalMessages;
        long flushIntervalMs;
        long fileDeleteDelayMs;
        int maxMessageBytes;
        TimestampType timestampType;
        long timestampBeforeMaxMs;
        long timestampAfterMaxMs;
        TopicCompression compressionType;
        int gzipLevel;
        int lz4Level;
        int zstdLevel;
    }
}
