package io.wharf.kafka.group;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.WharfZNodes;
import io.wharf.broker.share.ShareSettings;
import io.wharf.kafka.share.ShareGroupConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Per-group configs: Kafka's GROUP config resource ({@code kafka-configs.sh --entity-type groups}), which
 * overrides for one group what {@code server.properties} sets for all of them under the {@code group.}
 * prefix. Overrides are kept in ZooKeeper ({@code /wharf/kafka-group-configs/<group>}, a properties text)
 * and in memory; a changed value applies from the group's next heartbeat (timeouts) or the next record
 * acquired (share settings).
 *
 * <p>Thread-safety: thread-safe; {@link #alter} is serialized.
 */
public final class GroupConfigs {
    private static final String ZNODE = "kafka-group-configs";

    /** A key's value type and the check on a value. */
    public enum Type { INT, STRING }

    /** One group config key: its name, the broker key whose value is its default, and its bounds or choices. */
    public record Key(String name, String brokerKey, Type type, int min, int max, List<String> choices,
                      Function<Defaults, String> brokerValue) {
    }

    /** The broker-wide values (server.properties), the defaults of every group. */
    public record Defaults(ConsumerGroupConfig consumer, ShareGroupConfig share) {
    }

    /** A group's effective settings. */
    public record Resolved(int consumerHeartbeatIntervalMs, int consumerSessionTimeoutMs, int shareHeartbeatIntervalMs,
                           int shareSessionTimeoutMs, ShareSettings share, boolean shareStartsAtEarliest,
                           boolean shareReadsCommitted) {
    }

    /** A key as DescribeConfigs shows it: its value, and whether the group overrides it. */
    public record Value(Key key, String value, boolean isOverride, String brokerValue) {
    }

    public static final Map<String, Key> KEYS = keys();

    private static Map<String, Key> keys() {
        Map<String, Key> k = new LinkedHashMap<>();
        int max = Integer.MAX_VALUE;
        put(k, new Key("consumer.heartbeat.interval.ms", "group.consumer.heartbeat.interval.ms", Type.INT, 1, max, null,
            d -> String.valueOf(d.consumer().heartbeatIntervalMs())));
        put(k, new Key("consumer.session.timeout.ms", "group.consumer.session.timeout.ms", Type.INT, 1, max, null,
            d -> String.valueOf(d.consumer().sessionTimeoutMs())));
        put(k, new Key("share.heartbeat.interval.ms", "group.share.heartbeat.interval.ms", Type.INT, 1, max, null,
            d -> String.valueOf(d.share().heartbeatIntervalMs())));
        put(k, new Key("share.session.timeout.ms", "group.share.session.timeout.ms", Type.INT, 1, max, null,
            d -> String.valueOf(d.share().sessionTimeoutMs())));
        put(k, new Key("share.record.lock.duration.ms", "group.share.record.lock.duration.ms", Type.INT, 1000, 3_600_000,
            null, d -> String.valueOf(d.share().partitions().recordLockDurationMs())));
        put(k, new Key("share.delivery.count.limit", "group.share.delivery.count.limit", Type.INT, 2, 10, null,
            d -> String.valueOf(d.share().partitions().deliveryCountLimit())));
        put(k, new Key("share.partition.max.record.locks", "group.share.partition.max.record.locks", Type.INT, 100, 10_000,
            null, d -> String.valueOf(d.share().partitions().maxRecordLocks())));
        put(k, new Key("share.auto.offset.reset", "group.share.auto.offset.reset", Type.STRING, 0, 0,
            List.of("latest", "earliest"), d -> d.share().autoOffsetReset()));
        // Kafka has no broker key for it: read_uncommitted unless the group says otherwise.
        put(k, new Key("share.isolation.level", "share.isolation.level", Type.STRING, 0, 0,
            List.of("read_uncommitted", "read_committed"), d -> "read_uncommitted"));
        return Map.copyOf(k);
    }

    private static void put(Map<String, Key> keys, Key key) { keys.put(key.name(), key); }

    private final WharfZNodes zk;
    private final Defaults defaults;
    private final Map<String, Map<String, String>> overrides = new ConcurrentHashMap<>();
    private final Map<String, Resolved> resolved = new ConcurrentHashMap<>();
    private final Resolved brokerWide;

    /** Loads the overrides stored in ZooKeeper. */
    public GroupConfigs(WharfZNodes zk, Defaults defaults) {
        this.zk = zk;
        this.defaults = defaults;
        this.brokerWide = resolve(Map.of());
        for (String child : zk.children(ZNODE)) {
            zk.get(ZNODE + "/" + child).ifPresent(bytes -> overrides.put(WharfZNodes.decodeSegment(child), decode(bytes)));
        }
    }

    /** The effective settings of {@code groupId}. */
    public Resolved of(String groupId) {
        Map<String, String> o = groupId == null ? null : overrides.get(groupId);
        if (o == null) return brokerWide;
        return resolved.computeIfAbsent(groupId, id -> resolve(o));
    }

    /** Every key with its value for {@code groupId}, in Kafka's order. */
    public List<Value> describe(String groupId) {
        requireGroupId(groupId);
        Map<String, String> o = overrides.getOrDefault(groupId, Map.of());
        List<Value> values = new ArrayList<>();
        for (Key key : orderedKeys()) {
            String broker = key.brokerValue().apply(defaults);
            values.add(new Value(key, o.getOrDefault(key.name(), broker), o.containsKey(key.name()), broker));
        }
        return values;
    }

    /** The overrides of {@code groupId} (a copy). */
    public Map<String, String> overrides(String groupId) {
        requireGroupId(groupId);
        return new TreeMap<>(overrides.getOrDefault(groupId, Map.of()));
    }

    /**
     * Replaces the overrides of {@code groupId} after checking every key and value (and that each heartbeat
     * interval stays below its session timeout): INVALID_CONFIG otherwise, and nothing changes.
     */
    public synchronized void alter(String groupId, Map<String, String> newOverrides, boolean validateOnly) {
        requireGroupId(groupId);
        for (Map.Entry<String, String> e : newOverrides.entrySet()) validate(e.getKey(), e.getValue());
        Resolved r = resolve(newOverrides);
        if (r.consumerHeartbeatIntervalMs() >= r.consumerSessionTimeoutMs()) {
            throw invalid("consumer.heartbeat.interval.ms (" + r.consumerHeartbeatIntervalMs()
                + ") must be less than consumer.session.timeout.ms (" + r.consumerSessionTimeoutMs() + ")");
        }
        if (r.shareHeartbeatIntervalMs() >= r.shareSessionTimeoutMs()) {
            throw invalid("share.heartbeat.interval.ms (" + r.shareHeartbeatIntervalMs()
                + ") must be less than share.session.timeout.ms (" + r.shareSessionTimeoutMs() + ")");
        }
        if (validateOnly) return;
        String path = ZNODE + "/" + WharfZNodes.encodeSegment(groupId);
        if (newOverrides.isEmpty()) {
            zk.delete(path);
            overrides.remove(groupId);
        } else {
            zk.put(path, encode(newOverrides));
            overrides.put(groupId, Map.copyOf(newOverrides));
        }
        resolved.remove(groupId);
    }

    private static void validate(String name, String value) {
        Key key = KEYS.get(name);
        if (key == null) {
            throw invalid("Unknown group config name: " + name + " (Wharf's group configs: "
                + String.join(", ", orderedKeys().stream().map(Key::name).toList()) + ")");
        }
        if (value == null) throw invalid("Null value not supported for group config " + name);
        if (key.type() == Type.INT) {
            int v;
            try {
                v = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw invalid("Invalid value " + value + " for configuration " + name + ": Not a number of type INT");
            }
            if (v < key.min() || v > key.max()) {
                throw invalid("Invalid value " + value + " for configuration " + name + ": Value must be "
                    + (key.max() == Integer.MAX_VALUE ? "at least " + key.min() : "between " + key.min() + " and " + key.max()));
            }
        } else if (!key.choices().contains(value)) {
            throw invalid("Invalid value " + value + " for configuration " + name + ": String must be one of: "
                + String.join(", ", key.choices()));
        }
    }

    private Resolved resolve(Map<String, String> o) {
        ShareSettings share = defaults.share().partitions();
        return new Resolved(
            intOf(o, "consumer.heartbeat.interval.ms", defaults.consumer().heartbeatIntervalMs()),
            intOf(o, "consumer.session.timeout.ms", defaults.consumer().sessionTimeoutMs()),
            intOf(o, "share.heartbeat.interval.ms", defaults.share().heartbeatIntervalMs()),
            intOf(o, "share.session.timeout.ms", defaults.share().sessionTimeoutMs()),
            new ShareSettings(intOf(o, "share.delivery.count.limit", share.deliveryCountLimit()),
                intOf(o, "share.record.lock.duration.ms", share.recordLockDurationMs()),
                intOf(o, "share.partition.max.record.locks", share.maxRecordLocks())),
            "earliest".equals(o.getOrDefault("share.auto.offset.reset", defaults.share().autoOffsetReset())),
            "read_committed".equals(o.get("share.isolation.level")));
    }

    private static int intOf(Map<String, String> o, String key, int fallback) {
        String v = o.get(key);
        return v == null ? fallback : Integer.parseInt(v.trim());
    }

    private static List<Key> orderedKeys() {
        return KEYS.values().stream().sorted(java.util.Comparator.comparing(Key::name)).toList();
    }

    private static void requireGroupId(String groupId) {
        if (groupId == null || groupId.isEmpty()) throw new InvalidRequestException("The group id is empty.");
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(BrokerError.INVALID_CONFIG, message);
    }

    private static byte[] encode(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> decode(byte[] bytes) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        // A key this version does not know (written by a newer one) is kept but has no effect here.
        return Map.copyOf(values);
    }
}
