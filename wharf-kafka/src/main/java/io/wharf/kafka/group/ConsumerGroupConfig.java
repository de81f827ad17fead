package io.wharf.kafka.group;

import java.util.List;

/**
 * The settings of KIP-848 consumer groups, from {@code server.properties} under Kafka's key names.
 *
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: how often members heartbeat
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms}: a member silent for this long is fenced
 * @param assignors           {@code group.consumer.assignors}: the server assignors offered, the first the default
 * @param maxSize             {@code group.consumer.max.size}
 * @param migrationPolicy     {@code group.consumer.migration.policy}: whether a group with members moves between
 *                            the classic and the consumer protocol
 */
public record ConsumerGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, List<String> assignors, int maxSize,
                                  MigrationPolicy migrationPolicy) {
    /** Kafka's {@code ConsumerGroupMigrationPolicy}. */
    public enum MigrationPolicy {
        BIDIRECTIONAL, UPGRADE, DOWNGRADE, DISABLED;

        public boolean allowsUpgrade() { return this == BIDIRECTIONAL || this == UPGRADE; }

        public boolean allowsDowngrade() { return this == BIDIRECTIONAL || this == DOWNGRADE; }

        /** The policy named {@code name} (any case). */
        public static MigrationPolicy parse(String name) { return valueOf(name.toUpperCase(java.util.Locale.ROOT)); }
    }

    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    public static final List<String> DEFAULT_ASSIGNORS = List.of("uniform", "range");

    public ConsumerGroupConfig {
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty()) throw new IllegalArgumentException("at least one consumer group assignor is needed");
    }

    public static ConsumerGroupConfig defaults() {
        return new ConsumerGroupConfig(DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_ASSIGNORS,
            Integer.MAX_VALUE, MigrationPolicy.BIDIRECTIONAL);
    }
}
