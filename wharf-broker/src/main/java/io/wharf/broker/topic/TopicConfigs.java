package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.log.LogConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Topic-level configuration: which keys a topic may override, how their values are checked, and how a
 * topic's effective value of each key is described to clients. The keys are every topic key of Kafka 4.1,
 * with Kafka's types, defaults and valid values, so that {@code kafka-topics.sh --config} and
 * {@code kafka-configs.sh} work as against Kafka.
 *
 * <p>What each key does on Wharf:
 * <ul>
 *   <li>The keys of {@link LogConfig} (segments, retention, compaction, flushing, timestamps,
 *       {@code compression.type} and its levels) are enforced by the partition's log.</li>
 *   <li>{@code min.insync.replicas} is enforced on acks=all produce ({@link PartitionLeaders}).</li>
 *   <li>{@code remote.storage.enable=true} is refused with INVALID_CONFIG: Wharf has no tiered storage, and
 *       Kafka refuses the key the same way when its broker has none.</li>
 *   <li>Accepted, stored in ZooKeeper and described, but without effect on a single broker:
 *       {@code unclean.leader.election.enable}, {@code leader.replication.throttled.replicas} and
 *       {@code follower.replication.throttled.replicas} (no elections, no replication to throttle),
 *       {@code local.retention.ms} and {@code local.retention.bytes}, {@code remote.log.copy.disable} and
 *       {@code remote.log.delete.on.disable} (they only mean something with tiered storage), and
 *       {@code preallocate}.</li>
 * </ul>
 *
 * <p>Most keys have a broker key ({@code server.properties}) whose value is the default of topics that do not
 * override it, and behind that Kafka's built-in default. A description says which of the three gave the
 * effective value, which is what Kafka's DescribeConfigs calls the config source and its synonyms. Keys
 * Kafka gives no broker synonym (the throttled-replica lists and the remote-storage switches) have a null
 * {@link Key#brokerKey()}: only an override or Kafka's default applies.
 */
public final class TopicConfigs {
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
    public static final String PREALLOCATE = "preallocate";
    public static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    public static final String LOCAL_RETENTION_MS = "local.retention.ms";
    public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    public static final String REMOTE_LOG_COPY_DISABLE = "remote.log.copy.disable";
    public static final String REMOTE_LOG_DELETE_ON_DISABLE = "remote.log.delete.on.disable";

    /** The value types of Kafka's config definitions that topic keys use. */
    public enum ValueType { BOOLEAN, STRING, INT, LONG, DOUBLE, LIST }

    /** A topic-level key: its value type and the broker key that supplies its default (null if none). */
    public record Key(String name, ValueType type, String brokerKey) {
        public boolean hasBrokerKey() { return brokerKey != null; }
    }

    /** Where a topic's effective value of a key comes from. */
    public enum Source {
        /** The topic's own override. */
        TOPIC,
        /** The broker's configuration, which differs from Kafka's default. */
        BROKER,
        /** Kafka's built-in default. */
        DEFAULT
    }

    /**
     * One key's effective value for a topic, with the broker's value and Kafka's default behind it.
     * {@code value} is the override text as stored when the source is {@link Source#TOPIC}.
     */
    public record Value(Key key, String value, Source source, String brokerValue, String defaultValue) {
    }

    /** Every topic-level key, by name. */
    public static final SortedMap<String, Key> KEYS;

    static {
        SortedMap<String, Key> keys = new TreeMap<>();
        key(keys, LogConfig.SEGMENT_BYTES, ValueType.INT, "log.segment.bytes");
        key(keys, LogConfig.SEGMENT_MS, ValueType.LONG, "log.roll.ms");
        key(keys, LogConfig.SEGMENT_JITTER_MS, ValueType.LONG, "log.roll.jitter.ms");
        key(keys, LogConfig.SEGMENT_INDEX_BYTES, ValueType.INT, "log.index.size.max.bytes");
        key(keys, LogConfig.INDEX_INTERVAL_BYTES, ValueType.INT, "log.index.interval.bytes");
        key(keys, LogConfig.RETENTION_MS, ValueType.LONG, "log.retention.ms");
        key(keys, LogConfig.RETENTION_BYTES, ValueType.LONG, "log.retention.bytes");
        key(keys, LogConfig.CLEANUP_POLICY, ValueType.LIST, "log.cleanup.policy");
        key(keys, LogConfig.DELETE_RETENTION_MS, ValueType.LONG, "log.cleaner.delete.retention.ms");
        key(keys, LogConfig.MIN_COMPACTION_LAG_MS, ValueType.LONG, "log.cleaner.min.compaction.lag.ms");
        key(keys, LogConfig.MAX_COMPACTION_LAG_MS, ValueType.LONG, "log.cleaner.max.compaction.lag.ms");
        key(keys, LogConfig.MIN_CLEANABLE_DIRTY_RATIO, ValueType.DOUBLE, "log.cleaner.min.cleanable.ratio");
        key(keys, LogConfig.FLUSH_MESSAGES, ValueType.LONG, "log.flush.interval.messages");
        key(keys, LogConfig.FLUSH_MS, ValueType.LONG, "log.flush.interval.ms");
        key(keys, LogConfig.FILE_DELETE_DELAY_MS, ValueType.LONG, "log.segment.delete.delay.ms");
        key(keys, LogConfig.MAX_MESSAGE_BYTES, ValueType.INT, "message.max.bytes");
        key(keys, LogConfig.MESSAGE_TIMESTAMP_TYPE, ValueType.STRING, "log.message.timestamp.type");
        key(keys, LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, ValueType.LONG, "log.message.timestamp.before.max.ms");
        key(keys, LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, ValueType.LONG, "log.message.timestamp.after.max.ms");
        key(keys, LogConfig.COMPRESSION_TYPE, ValueType.STRING, "compression.type");
        key(keys, LogConfig.COMPRESSION_GZIP_LEVEL, ValueType.INT, "compression.gzip.level");
        key(keys, LogConfig.COMPRESSION_LZ4_LEVEL, ValueType.INT, "compression.lz4.level");
        key(keys, LogConfig.COMPRESSION_ZSTD_LEVEL, ValueType.INT, "compression.zstd.level");
        key(keys, MIN_INSYNC_REPLICAS, ValueType.INT, "min.insync.replicas");
        key(keys, UNCLEAN_LEADER_ELECTION, ValueType.BOOLEAN, "unclean.leader.election.enable");
        key(keys, PREALLOCATE, ValueType.BOOLEAN, "log.preallocate");
        key(keys, LEADER_THROTTLED_REPLICAS, ValueType.LIST, null);
        key(keys, FOLLOWER_THROTTLED_REPLICAS, ValueType.LIST, null);
        key(keys, LOCAL_RETENTION_MS, ValueType.LONG, "log.local.retention.ms");
        key(keys, LOCAL_RETENTION_BYTES, ValueType.LONG, "log.local.retention.bytes");
        key(keys, REMOTE_STORAGE_ENABLE, ValueType.BOOLEAN, null);
        key(keys, REMOTE_LOG_COPY_DISABLE, ValueType.BOOLEAN, null);
        key(keys, REMOTE_LOG_DELETE_ON_DISABLE, ValueType.BOOLEAN, null);
        KEYS = Collections.unmodifiableSortedMap(keys);
    }

    /**
     * Kafka's defaults of the keys the log does not use (the broker's own config has no key for them).
     * -2 for local retention means "the same as retention.ms / retention.bytes".
     */
    private static final Map<String, String> NON_LOG_DEFAULTS = Map.of(
        UNCLEAN_LEADER_ELECTION, "false",
        PREALLOCATE, "false",
        LEADER_THROTTLED_REPLICAS, "",
        FOLLOWER_THROTTLED_REPLICAS, "",
        LOCAL_RETENTION_MS, "-2",
        LOCAL_RETENTION_BYTES, "-2",
        REMOTE_STORAGE_ENABLE, "false",
        REMOTE_LOG_COPY_DISABLE, "false",
        REMOTE_LOG_DELETE_ON_DISABLE, "false");

    /** Kafka's ThrottledReplicaListValidator: "*" or a list of partition:broker pairs. */
    private static final Pattern THROTTLED_REPLICA = Pattern.compile("([0-9]+:[0-9]+)?");

    private TopicConfigs() {
    }

    private static void key(Map<String, Key> keys, String name, ValueType type, String brokerKey) {
        keys.put(name, new Key(name, type, brokerKey));
    }

    public static boolean isKnown(String key) {
        return KEYS.containsKey(key);
    }

    /** Checks every key and value; throws INVALID_CONFIG naming the first bad one. */
    public static LogConfig validate(LogConfig defaults, Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!isKnown(e.getKey())) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Null value not supported for topic config: " + e.getKey());
            }
            validateNonLogValue(e.getKey(), e.getValue().trim());
        }
        try {
            return defaults.withOverrides(overrides);
        } catch (IllegalArgumentException ex) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, ex.getMessage(), ex);
        }
    }

    private static void validateNonLogValue(String key, String value) {
        switch (key) {
            case MIN_INSYNC_REPLICAS -> requireLong(key, value, 1, Integer.MAX_VALUE);
            case LOCAL_RETENTION_MS, LOCAL_RETENTION_BYTES -> requireLong(key, value, -2, Long.MAX_VALUE);
            case UNCLEAN_LEADER_ELECTION, PREALLOCATE, REMOTE_LOG_COPY_DISABLE, REMOTE_LOG_DELETE_ON_DISABLE ->
                requireBoolean(key, value);
            case REMOTE_STORAGE_ENABLE -> {
                if (requireBoolean(key, value)) {
                    throw new BrokerException(BrokerError.INVALID_CONFIG, "Tiered Storage functionality is disabled in"
                        + " the broker. Topic cannot be configured with remote log storage (Wharf has no tiered storage;"
                        + " " + REMOTE_STORAGE_ENABLE + " must be false).");
                }
            }
            case LEADER_THROTTLED_REPLICAS, FOLLOWER_THROTTLED_REPLICAS -> requireThrottledReplicas(key, value);
            default -> { } // log keys: checked by LogConfig.withOverrides
        }
    }

    private static boolean requireBoolean(String key, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw invalid(key, value, "expected true or false");
        }
        return value.equalsIgnoreCase("true");
    }

    private static void requireThrottledReplicas(String key, String value) {
        List<String> entries = Arrays.stream(value.split(",")).map(String::trim).toList();
        if (String.join("", entries).equals("*")) return;
        if (entries.stream().allMatch(e -> THROTTLED_REPLICA.matcher(e).matches())) return;
        throw invalid(key, value, key + " must be the literal '*' or a list of replicas in the following format:"
            + " [partitionId]:[brokerId],[partitionId]:[brokerId],...");
    }

    private static void requireLong(String key, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(key, value, "not a number");
        }
        if (v < min || v > max) throw invalid(key, value, "expected a value in [" + min + ", " + max + "]");
    }

    private static BrokerException invalid(String key, String value, String why) {
        return new BrokerException(BrokerError.INVALID_CONFIG, "Invalid value " + value + " for configuration " + key + ": " + why);
    }

    /**
     * Every key's effective value for a topic with {@code overrides}, on a broker whose topic defaults are
     * {@code brokerDefaults} and {@code brokerMinInsyncReplicas}; in key order.
     */
    public static List<Value> describe(LogConfig brokerDefaults, int brokerMinInsyncReplicas, Map<String, String> overrides) {
        Map<String, String> broker = render(brokerDefaults, brokerMinInsyncReplicas);
        Map<String, String> kafka = render(LogConfig.defaults(), 1);
        List<Value> values = new ArrayList<>(KEYS.size());
        for (Key key : KEYS.values()) {
            String brokerValue = broker.get(key.name());
            String defaultValue = kafka.get(key.name());
            String override = overrides.get(key.name());
            if (override != null) {
                values.add(new Value(key, override, Source.TOPIC, brokerValue, defaultValue));
            } else {
                Source source = brokerValue.equals(defaultValue) ? Source.DEFAULT : Source.BROKER;
                values.add(new Value(key, brokerValue, source, brokerValue, defaultValue));
            }
        }
        return values;
    }

    /** The value of every key under these log settings, as Kafka prints it. */
    private static Map<String, String> render(LogConfig c, int minInsyncReplicas) {
        Map<String, String> v = new LinkedHashMap<>(NON_LOG_DEFAULTS);
        v.put(LogConfig.SEGMENT_BYTES, Integer.toString(c.segmentBytes()));
        v.put(LogConfig.SEGMENT_MS, Long.toString(c.segmentMs()));
        v.put(LogConfig.SEGMENT_JITTER_MS, Long.toString(c.segmentJitterMs()));
        v.put(LogConfig.SEGMENT_INDEX_BYTES, Integer.toString(c.maxIndexSize()));
        v.put(LogConfig.INDEX_INTERVAL_BYTES, Integer.toString(c.indexIntervalBytes()));
        v.put(LogConfig.RETENTION_MS, Long.toString(c.retentionMs()));
        v.put(LogConfig.RETENTION_BYTES, Long.toString(c.retentionBytes()));
        StringJoiner policy = new StringJoiner(",");
        for (LogConfig.CleanupPolicy p : LogConfig.CleanupPolicy.values()) {
            if (c.cleanupPolicy().contains(p)) policy.add(p.configName());
        }
        v.put(LogConfig.CLEANUP_POLICY, policy.toString());
        v.put(LogConfig.DELETE_RETENTION_MS, Long.toString(c.deleteRetentionMs()));
        v.put(LogConfig.MIN_COMPACTION_LAG_MS, Long.toString(c.minCompactionLagMs()));
        v.put(LogConfig.MAX_COMPACTION_LAG_MS, Long.toString(c.maxCompactionLagMs()));
        v.put(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, Double.toString(c.minCleanableDirtyRatio()));
        v.put(LogConfig.FLUSH_MESSAGES, Long.toString(c.flushIntervalMessages()));
        v.put(LogConfig.FLUSH_MS, Long.toString(c.flushIntervalMs()));
        v.put(LogConfig.FILE_DELETE_DELAY_MS, Long.toString(c.fileDeleteDelayMs()));
        v.put(LogConfig.MAX_MESSAGE_BYTES, Integer.toString(c.maxMessageBytes()));
        v.put(LogConfig.MESSAGE_TIMESTAMP_TYPE,
            c.timestampType() == LogConfig.TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime");
        v.put(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(c.timestampBeforeMaxMs()));
        v.put(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(c.timestampAfterMaxMs()));
        v.put(LogConfig.COMPRESSION_TYPE, c.compressionType().configName());
        v.put(LogConfig.COMPRESSION_GZIP_LEVEL, Integer.toString(c.gzipLevel()));
        v.put(LogConfig.COMPRESSION_LZ4_LEVEL, Integer.toString(c.lz4Level()));
        v.put(LogConfig.COMPRESSION_ZSTD_LEVEL, Integer.toString(c.zstdLevel()));
        v.put(MIN_INSYNC_REPLICAS, Integer.toString(minInsyncReplicas));
        return v;
    }
}
