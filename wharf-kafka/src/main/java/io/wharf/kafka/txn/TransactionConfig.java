package io.wharf.kafka.txn;

/**
 * The transaction coordinator's settings, from {@code server.properties} (Kafka's keys):
 * {@code transaction.state.log.num.partitions}, {@code transaction.state.log.replication.factor},
 * {@code transaction.max.timeout.ms}, {@code transactional.id.expiration.ms},
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} and
 * {@code transaction.remove.expired.transaction.cleanup.interval.ms}.
 */
public record TransactionConfig(int stateLogNumPartitions, short stateLogReplicationFactor, int maxTimeoutMs,
                                long transactionalIdExpirationMs, long abortTimedOutIntervalMs,
                                long removeExpiredIntervalMs) {
    /** Kafka's defaults (with a replication factor of 1, Wharf's default for a single broker). */
    public static TransactionConfig defaults() {
        return new TransactionConfig(50, (short) 1, 900_000, 604_800_000L, 10_000L, 3_600_000L);
    }
}
