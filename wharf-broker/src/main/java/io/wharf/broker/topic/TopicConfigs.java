package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.log.LogConfig;
import java.util.Map;
import java.util.Set;

/**
 * Topic-level configuration overrides: which keys a topic may set, and the log settings they give. The
 * keys are Kafka's topic keys; those the log does not use ({@code min.insync.replicas}, ...) are
 * accepted and kept in ZooKeeper for the layers that use them.
 */
public final class TopicConfigs {
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String PREALLOCATE = "preallocate";

    private static final Set<String> BROKER_KEYS = Set.of(MIN_INSYNC_REPLICAS, COMPRESSION_TYPE,
        UNCLEAN_LEADER_ELECTION, MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS, PREALLOCATE);

    private TopicConfigs() {
    }

    public static boolean isKnown(String key) {
        return LogConfig.KEYS.contains(key) || BROKER_KEYS.contains(key);
    }

    /** Checks every key and value; throws INVALID_CONFIG naming the first bad one. */
    public static LogConfig validate(LogConfig defaults, Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!isKnown(e.getKey())) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Topic config " + e.getKey() + " has no value");
            }
        }
        String minIsr = overrides.get(MIN_INSYNC_REPLICAS);
        if (minIsr != null) {
            try {
                if (Integer.parseInt(minIsr.trim()) < 1) throw new NumberFormatException();
            } catch (NumberFormatException ex) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, "Invalid value " + minIsr + " for "
                    + MIN_INSYNC_REPLICAS + ": expected an integer of at least 1");
            }
        }
        try {
            return defaults.withOverrides(overrides);
        } catch (IllegalArgumentException ex) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, ex.getMessage(), ex);
        }
    }
}
