package io.wharf.server.config;

import static io.wharf.server.config.ServerConfigDef.*;

import io.wharf.mqtt.bridge.ExportRule;
import io.wharf.mqtt.bridge.KafkaBridge;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's configuration: Kafka's {@code server.properties} keys where Kafka has them, Wharf keys for
 * the other front-ends, typed and validated as a whole before anything starts.
 *
 * <p>Sources, weakest first: the defaults of the key table ({@link #markdownReference()}), the properties
 * file, then {@code --override key=value} pairs. Keys with several spellings resolve as in Kafka:
 * {@code log.retention.ms} beats {@code .minutes} beats {@code .hours}, {@code log.roll.ms} beats
 * {@code log.roll.hours} (and {@code log.roll.jitter.ms} beats {@code log.roll.jitter.hours}), {@code log.dirs}
 * beats {@code log.dir}. Getters return the resolved values.
 *
 * <p>Anything wrong fails with one {@link ConfigException} that names the key. Unknown keys are logged and
 * ignored, as Kafka does, unless they look like a typo of a known key; then they are an error. Checks that
 * need the operating system (is the port free, is the directory writable) are left to start-up.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);
    private static final long MS_PER_MINUTE = 60_000L;
    private static final long MS_PER_HOUR = 60 * MS_PER_MINUTE;

    private final Map<String, String> originals;
    private final Set<String> ignoredKeys;
    private final Map<String, Object> values;
    private final List<Path> logDirs;
    private final long logRetentionMs;
    private final long logRollMs;
    private final long logRollJitterMs;
    private final KafkaBridge.Config mqttKafkaBridge;

    private ServerConfig(Map<String, String> originals) {
        this.originals = originals;
        this.ignoredKeys = UnknownKeys.check(originals.keySet(), DEF.names());
        this.values = DEF.parse(originals);
        this.logDirs = resolveLogDirs();
        this.logRetentionMs = resolveRetentionMs();
        this.logRollMs = isSet(LOG_ROLL_MS) ? this.<Long>value(LOG_ROLL_MS)
                : this.<Integer>value(LOG_ROLL_HOURS) * MS_PER_HOUR;
        this.logRollJitterMs = isSet(LOG_ROLL_JITTER_MS) ? this.<Long>value(LOG_ROLL_JITTER_MS)
                : this.<Integer>value(LOG_ROLL_JITTER_HOURS) * MS_PER_HOUR;
        checkListeners();
        if (groupConsumerHeartbeatIntervalMs() >= groupConsumerSessionTimeoutMs()) {
            throw ConfigException.invalidValue(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                    String.valueOf(groupConsumerHeartbeatIntervalMs()),
                    "must be less than " + GROUP_CONSUMER_SESSION_TIMEOUT_MS + " (" + groupConsumerSessionTimeoutMs() + ")");
        }
        if (groupShareHeartbeatIntervalMs() >= groupShareSessionTimeoutMs()) {
            throw ConfigException.invalidValue(GROUP_SHARE_HEARTBEAT_INTERVAL_MS,
                    String.valueOf(groupShareHeartbeatIntervalMs()),
                    "must be less than " + GROUP_SHARE_SESSION_TIMEOUT_MS + " (" + groupShareSessionTimeoutMs() + ")");
        }
        this.mqttKafkaBridge = resolveMqttKafkaBridge();
        if (logCleanupPolicy().contains(CLEANUP_COMPACT) && !logCleanerEnable()) {
            LOG.warn("'{}' includes compact but '{}' is false: compacted topics will grow without bound",
                    LOG_CLEANUP_POLICY, LOG_CLEANER_ENABLE);
        }
    }

    /**
     * Reads a properties file (UTF-8) and applies {@code overrides} on top.
     *
     * @throws ConfigException if the file cannot be read or the result is not a valid configuration
     */
    public static ServerConfig load(Path file, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(readProperties(file));
        if (overrides != null) merged.putAll(overrides);
        return fromMap(merged);
    }

    /**
     * Validates a configuration given as key/value pairs; absent keys take their defaults.
     *
     * @throws ConfigException if the pairs are not a valid configuration
     */
    public static ServerConfig fromMap(Map<String, String> settings) {
        Map<String, String> copy = new TreeMap<>();
        settings.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "configuration key"),
                Objects.requireNonNull(value, () -> "value of configuration key '" + key + "'")));
        return new ServerConfig(Collections.unmodifiableMap(copy));
    }

    /**
     * Turns command-line {@code key=value} words (the arguments of {@code --override}) into a map; a
     * later word for the same key wins.
     *
     * @throws ConfigException for a word that is not {@code key=value}
     */
    public static Map<String, String> parseOverrides(List<String> pairs) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || pair.substring(0, equals).isBlank()) {
                throw new ConfigException(null, "Invalid override '" + pair
                        + "': expected key=value, e.g. --override num.partitions=3");
            }
            overrides.put(pair.substring(0, equals).trim(), pair.substring(equals + 1));
        }
        return overrides;
    }

    /** The configuration reference as a Markdown table (key, type, default, description), for the README. */
    public static String markdownReference() {
        return DEF.markdownTable();
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        // UTF-8 rather than the ISO-8859-1 of Properties.load(InputStream): paths and host names are
        // written in the editor's encoding, which today is UTF-8.
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "Configuration file '" + file + "' does not exist", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(null, "Configuration file '" + file + "' is not valid UTF-8", e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape.
            throw new ConfigException(null, "Cannot read configuration file '" + file + "': " + e.getMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    private boolean isSet(String key) {
        return values.get(key) != null;
    }

    @SuppressWarnings("unchecked")
    private <T> T value(String key) {
        return (T) values.get(key);
    }

    private List<Path> resolveLogDirs() {
        // log.dirs always has a value (its default); log.dir counts only when log.dirs was not written.
        if (!originals.containsKey(LOG_DIRS) && isSet(LOG_DIR)) return value(LOG_DIR);
        return value(LOG_DIRS);
    }

    private long resolveRetentionMs() {
        String source;
        long ms;
        if (isSet(LOG_RETENTION_MS)) {
            source = LOG_RETENTION_MS;
            ms = this.<Long>value(LOG_RETENTION_MS);
        } else if (isSet(LOG_RETENTION_MINUTES)) {
            source = LOG_RETENTION_MINUTES;
            ms = this.<Integer>value(LOG_RETENTION_MINUTES) * MS_PER_MINUTE;
        } else {
            source = LOG_RETENTION_HOURS;
            ms = this.<Integer>value(LOG_RETENTION_HOURS) * MS_PER_HOUR;
        }
        // As in Kafka: 0 would delete every segment as soon as it is rolled, which is never meant.
        if (ms == 0) {
            throw ConfigException.invalidValue(source, originals.get(source).trim(),
                    "must be -1 (keep forever) or positive");
        }
        return ms < 0 ? -1 : ms;
    }

    private void checkListeners() {
        Map<String, List<Listener>> bound = new LinkedHashMap<>();
        bound.put(LISTENERS, kafkaListeners());
        bound.put(AMQP_LISTENERS, amqpListeners());
        bound.put(MQTT_LISTENERS, mqttListeners());
        bound.put(HTTP_LISTENERS, httpListeners());
        ListenerChecks.checkBound(bound);
        if (isSet(ADVERTISED_LISTENERS)) {
            ListenerChecks.checkAdvertised(ADVERTISED_LISTENERS, value(ADVERTISED_LISTENERS), LISTENERS,
                    kafkaListeners());
        }
    }

    private List<Listener> listeners(String key) {
        return isSet(key) ? value(key) : List.of();
    }

    // ---- identity and endpoints ----

    public int brokerId() { return value(BROKER_ID); }

    /** The Kafka-protocol listeners to bind; never empty. */
    public List<Listener> kafkaListeners() { return value(LISTENERS); }

    /**
     * The Kafka listeners to give clients: {@code advertised.listeners}, or {@link #kafkaListeners()} when
     * that is not set. In the fallback a host may be the wildcard and a port 0; start-up replaces them
     * with a reachable name and the bound port.
     */
    public List<Listener> advertisedListeners() {
        List<Listener> advertised = listeners(ADVERTISED_LISTENERS);
        return advertised.isEmpty() ? kafkaListeners() : advertised;
    }

    /** AMQP listeners; empty means no AMQP port is opened. */
    public List<Listener> amqpListeners() { return listeners(AMQP_LISTENERS); }

    public double memoryHighWatermark() { return value(MEMORY_HIGH_WATERMARK); }

    public long diskFreeLimitBytes() { return value(DISK_FREE_LIMIT_BYTES); }

    /** MQTT listeners; empty means no MQTT port is opened. */
    public List<Listener> mqttListeners() { return listeners(MQTT_LISTENERS); }

    /** {@code mqtt.allow.anonymous}: whether MQTT clients may connect without a user name (as guest). */
    public boolean mqttAllowAnonymous() { return value(MQTT_ALLOW_ANONYMOUS); }

    /** {@code mqtt.sys.interval.seconds}: how often {@code $SYS/broker/...} is published; 0 never. */
    public int mqttSysIntervalSeconds() { return value(MQTT_SYS_INTERVAL_SECONDS); }

    /** {@code mqtt.max.session.expiry.seconds}: how long a persistent MQTT session outlives its connection at most. */
    public long mqttMaxSessionExpirySeconds() { return value(MQTT_MAX_SESSION_EXPIRY_SECONDS); }

    /** {@code mqtt.kafka.export} and {@code mqtt.kafka.import}: MQTT's bridge to Kafka topics. */
    public KafkaBridge.Config mqttKafkaBridge() { return mqttKafkaBridge; }

    /** Each entry is valid by its key's validator; what is left to refuse is a topic on both sides. */
    private KafkaBridge.Config resolveMqttKafkaBridge() {
        List<String> exports = isSet(MQTT_KAFKA_EXPORT) ? value(MQTT_KAFKA_EXPORT) : List.of();
        List<String> imports = isSet(MQTT_KAFKA_IMPORT) ? value(MQTT_KAFKA_IMPORT) : List.of();
        try {
            return new KafkaBridge.Config(exports.stream().map(ExportRule::parse).toList(), imports);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalidValue(MQTT_KAFKA_IMPORT, originals.get(MQTT_KAFKA_IMPORT).trim(), e.getMessage());
        }
    }
    /** {@code mqtt.flow.backlog.messages}: a queue's backlog above which its MQTT publishers are no longer read. */
    public int mqttFlowBacklogMessages() { return value(MQTT_FLOW_BACKLOG_MESSAGES); }

    /** HTTP management listeners; empty means no HTTP port is opened. */
    public List<Listener> httpListeners() { return listeners(HTTP_LISTENERS); }

    // ---- ZooKeeper ----

    /** The ZooKeeper connection string; empty means: run an embedded ZooKeeper. */
    public Optional<String> zookeeperConnect() {
        String connect = value(ZOOKEEPER_CONNECT);
        return connect == null || connect.isBlank() ? Optional.empty() : Optional.of(connect);
    }

    public int zookeeperSessionTimeoutMs() { return value(ZOOKEEPER_SESSION_TIMEOUT_MS); }

    /** {@code zookeeper.connection.timeout.ms}, or the session timeout when that is not set (as Kafka). */
    public int zookeeperConnectionTimeoutMs() {
        return isSet(ZOOKEEPER_CONNECTION_TIMEOUT_MS) ? value(ZOOKEEPER_CONNECTION_TIMEOUT_MS)
                : zookeeperSessionTimeoutMs();
    }

    /** Client port of the embedded ZooKeeper; 0 means a free port. */
    public int zookeeperEmbeddedPort() { return value(ZOOKEEPER_EMBEDDED_PORT); }

    // ---- topics ----

    public boolean deleteTopicEnable() { return value(DELETE_TOPIC_ENABLE); }

    public boolean autoCreateTopicsEnable() { return value(AUTO_CREATE_TOPICS_ENABLE); }

    public int numPartitions() { return value(NUM_PARTITIONS); }

    public short defaultReplicationFactor() {
        return this.<Integer>value(DEFAULT_REPLICATION_FACTOR).shortValue();
    }

    public int minInsyncReplicas() { return value(MIN_INSYNC_REPLICAS); }

    public int messageMaxBytes() { return value(MESSAGE_MAX_BYTES); }

    // ---- the log ----

    /** Log directories, normalised, without duplicates; never empty. */
    public List<Path> logDirs() { return logDirs; }

    /** Retention time resolved from ms, minutes or hours; -1 means keep forever. */
    public long logRetentionMs() { return logRetentionMs; }

    /** Retention size per partition; negative means no limit. */
    public long logRetentionBytes() { return value(LOG_RETENTION_BYTES); }

    public long logRetentionCheckIntervalMs() { return value(LOG_RETENTION_CHECK_INTERVAL_MS); }

    public int logSegmentBytes() { return value(LOG_SEGMENT_BYTES); }

    /** Roll time resolved from {@code log.roll.ms} or {@code log.roll.hours}. */
    public long logRollMs() { return logRollMs; }

    /** Roll jitter resolved from {@code log.roll.jitter.ms} or {@code log.roll.jitter.hours}. */
    public long logRollJitterMs() { return logRollJitterMs; }

    public int logIndexIntervalBytes() { return value(LOG_INDEX_INTERVAL_BYTES); }

    public int logIndexSizeMaxBytes() { return value(LOG_INDEX_SIZE_MAX_BYTES); }

    public long logFlushIntervalMessages() { return value(LOG_FLUSH_INTERVAL_MESSAGES); }

    /** {@code log.flush.interval.ms}, or the flush scheduler interval when that is not set (as Kafka). */
    public long logFlushIntervalMs() {
        return isSet(LOG_FLUSH_INTERVAL_MS) ? value(LOG_FLUSH_INTERVAL_MS) : logFlushSchedulerIntervalMs();
    }

    public long logFlushSchedulerIntervalMs() { return value(LOG_FLUSH_SCHEDULER_INTERVAL_MS); }

    public int logFlushOffsetCheckpointIntervalMs() { return value(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS); }

    /** {@code delete}, {@code compact}, or both, in the order written. */
    public List<String> logCleanupPolicy() { return value(LOG_CLEANUP_POLICY); }

    public boolean logCleanerEnable() { return value(LOG_CLEANER_ENABLE); }

    public long logCleanerDeleteRetentionMs() { return value(LOG_CLEANER_DELETE_RETENTION_MS); }

    public double logCleanerMinCleanableRatio() { return value(LOG_CLEANER_MIN_CLEANABLE_RATIO); }

    public long logCleanerMaxCompactionLagMs() { return value(LOG_CLEANER_MAX_COMPACTION_LAG_MS); }

    public long logCleanerBackoffMs() { return value(LOG_CLEANER_BACKOFF_MS); }

    public long logMessageTimestampBeforeMaxMs() { return value(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS); }

    public long logMessageTimestampAfterMaxMs() { return value(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS); }

    /** The topics' default {@code compression.type}: a codec name, {@code uncompressed} or {@code producer}. */
    public String compressionType() { return value(COMPRESSION_TYPE); }

    public int compressionGzipLevel() { return value(COMPRESSION_GZIP_LEVEL); }

    public int compressionLz4Level() { return value(COMPRESSION_LZ4_LEVEL); }

    public int compressionZstdLevel() { return value(COMPRESSION_ZSTD_LEVEL); }

    /** {@code log.segment.delete.delay.ms}, else its topic-level synonym {@code file.delete.delay.ms}. */
    public long fileDeleteDelayMs() {
        boolean brokerKeyWritten = originals.containsKey(LOG_SEGMENT_DELETE_DELAY_MS);
        return !brokerKeyWritten && isSet(FILE_DELETE_DELAY_MS) ? value(FILE_DELETE_DELAY_MS)
                : value(LOG_SEGMENT_DELETE_DELAY_MS);
    }

    // ---- internal topics and groups ----

    public int offsetsTopicNumPartitions() { return value(OFFSETS_TOPIC_NUM_PARTITIONS); }

    public short offsetsTopicReplicationFactor() {
        return this.<Integer>value(OFFSETS_TOPIC_REPLICATION_FACTOR).shortValue();
    }

    public int transactionStateLogNumPartitions() { return value(TRANSACTION_STATE_LOG_NUM_PARTITIONS); }

    public short transactionStateLogReplicationFactor() {
        return this.<Integer>value(TRANSACTION_STATE_LOG_REPLICATION_FACTOR).shortValue();
    }

    public int transactionStateLogMinIsr() { return value(TRANSACTION_STATE_LOG_MIN_ISR); }

    public int transactionMaxTimeoutMs() { return value(TRANSACTION_MAX_TIMEOUT_MS); }

    public int producerIdExpirationMs() { return value(PRODUCER_ID_EXPIRATION_MS); }

    public int transactionalIdExpirationMs() { return value(TRANSACTIONAL_ID_EXPIRATION_MS); }

    public int transactionAbortTimedOutIntervalMs() { return value(TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS); }

    public int transactionRemoveExpiredIntervalMs() { return value(TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS); }

    public int groupInitialRebalanceDelayMs() { return value(GROUP_INITIAL_REBALANCE_DELAY_MS); }

    public int groupMinSessionTimeoutMs() { return value(GROUP_MIN_SESSION_TIMEOUT_MS); }

    public int groupMaxSessionTimeoutMs() { return value(GROUP_MAX_SESSION_TIMEOUT_MS); }

    public int groupMaxSize() { return value(GROUP_MAX_SIZE); }

    public int groupConsumerHeartbeatIntervalMs() { return value(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS); }

    public int groupConsumerSessionTimeoutMs() { return value(GROUP_CONSUMER_SESSION_TIMEOUT_MS); }

    public List<String> groupConsumerAssignors() { return value(GROUP_CONSUMER_ASSIGNORS); }

    public int groupConsumerMaxSize() { return value(GROUP_CONSUMER_MAX_SIZE); }

    public String groupConsumerMigrationPolicy() { return value(GROUP_CONSUMER_MIGRATION_POLICY); }

    public int groupShareHeartbeatIntervalMs() { return value(GROUP_SHARE_HEARTBEAT_INTERVAL_MS); }

    public int groupShareSessionTimeoutMs() { return value(GROUP_SHARE_SESSION_TIMEOUT_MS); }

    public int groupShareMaxSize() { return value(GROUP_SHARE_MAX_SIZE); }

    public int groupShareDeliveryCountLimit() { return value(GROUP_SHARE_DELIVERY_COUNT_LIMIT); }

    public int groupShareRecordLockDurationMs() { return value(GROUP_SHARE_RECORD_LOCK_DURATION_MS); }

    public int groupSharePartitionMaxRecordLocks() { return value(GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS); }

    public String groupShareAutoOffsetReset() { return value(GROUP_SHARE_AUTO_OFFSET_RESET); }

    public int offsetMetadataMaxBytes() { return value(OFFSET_METADATA_MAX_BYTES); }

    public long offsetsRetentionMs() { return 60_000L * this.<Integer>value(OFFSETS_RETENTION_MINUTES); }

    public long offsetsRetentionCheckIntervalMs() { return value(OFFSETS_RETENTION_CHECK_INTERVAL_MS); }

    // ---- threads and requests ----

    public int numNetworkThreads() { return value(NUM_NETWORK_THREADS); }

    public int numIoThreads() { return value(NUM_IO_THREADS); }

    public int socketRequestMaxBytes() { return value(SOCKET_REQUEST_MAX_BYTES); }

    // ---- what was supplied ----

    /** Every key and value as supplied (file plus overrides), unknown keys included; sorted by key. */
    public Map<String, String> originals() { return originals; }

    /** Supplied keys that were ignored: unknown, Kafka-only or {@code wharf.internal.*}; sorted. */
    public Set<String> ignoredKeys() { return ignoredKeys; }

    /** Every key with its effective value, in table order: what start-up logs. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ", "ServerConfig{", "}");
        for (ConfigKey key : DEF.keys()) {
            Object value = values.get(key.name());
            if (value != null) out.add(key.name() + "=" + value);
        }
        return out.toString();
    }
}
