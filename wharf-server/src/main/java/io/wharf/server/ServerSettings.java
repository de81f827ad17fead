package io.wharf.server;

import io.wharf.broker.BrokerSettings;
import io.wharf.broker.share.ShareSettings;
import io.wharf.kafka.KafkaSettings;
import io.wharf.kafka.group.ConsumerGroupConfig;
import io.wharf.kafka.share.ShareGroupConfig;
import io.wharf.kafka.txn.TransactionConfig;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.TopicCompression;
import io.wharf.server.config.ServerConfig;

/** Translates {@code server.properties} into the settings of the broker core and the log. */
final class ServerSettings {
    private ServerSettings() {
    }

    static LogConfig logConfig(ServerConfig c) {
        LogConfig.Builder b = LogConfig.builder()
            .segmentBytes(c.logSegmentBytes())
            .segmentMs(c.logRollMs())
            .segmentJitterMs(c.logRollJitterMs())
            .maxIndexSize(c.logIndexSizeMaxBytes())
            .indexIntervalBytes(c.logIndexIntervalBytes())
            .retentionMs(c.logRetentionMs())
            .retentionBytes(c.logRetentionBytes())
            .deleteRetentionMs(c.logCleanerDeleteRetentionMs())
            .minCleanableDirtyRatio(c.logCleanerMinCleanableRatio())
            .maxCompactionLagMs(c.logCleanerMaxCompactionLagMs())
            .flushIntervalMessages(c.logFlushIntervalMessages())
            .flushIntervalMs(c.logFlushIntervalMs())
            .fileDeleteDelayMs(c.fileDeleteDelayMs())
            .maxMessageBytes(c.messageMaxBytes())
            .timestampBeforeMaxMs(c.logMessageTimestampBeforeMaxMs())
            .timestampAfterMaxMs(c.logMessageTimestampAfterMaxMs())
            .compressionType(TopicCompression.forName(c.compressionType()))
            .gzipLevel(c.compressionGzipLevel())
            .lz4Level(c.compressionLz4Level())
            .zstdLevel(c.compressionZstdLevel());
        boolean compact = c.logCleanupPolicy().contains("compact");
        boolean delete = c.logCleanupPolicy().contains("delete");
        if (compact && delete) b.cleanupPolicy(LogConfig.CleanupPolicy.COMPACT, LogConfig.CleanupPolicy.DELETE);
        else if (compact) b.cleanupPolicy(LogConfig.CleanupPolicy.COMPACT);
        else b.cleanupPolicy(LogConfig.CleanupPolicy.DELETE);
        return b.build();
    }

    /**
     * Kafka checks flush.ms only every log.flush.scheduler.interval.ms, which defaults to never; a topic's
     * flush.ms would then silently do nothing. Wharf checks once a second unless told otherwise (the check
     * only compares timestamps).
     */
    static long flushCheckIntervalMs(ServerConfig c) {
        long configured = c.logFlushSchedulerIntervalMs();
        return configured == Long.MAX_VALUE ? 1000 : configured;
    }

    static LogManagerSettings logManager(ServerConfig c) {
        return new LogManagerSettings(c.logRetentionCheckIntervalMs(), flushCheckIntervalMs(c),
            c.logFlushOffsetCheckpointIntervalMs(), c.logCleanerEnable(), c.logCleanerBackoffMs(),
            LogManagerSettings.defaults().cleanerMaxKeys(), c.producerIdExpirationMs());
    }

    static KafkaSettings kafka(ServerConfig c) {
        return new KafkaSettings(c.autoCreateTopicsEnable(), c.numPartitions(), c.defaultReplicationFactor(),
            c.messageMaxBytes(), c.offsetsTopicNumPartitions(), c.offsetsTopicReplicationFactor(),
            transactions(c),
            c.groupInitialRebalanceDelayMs(), c.groupMinSessionTimeoutMs(), c.groupMaxSessionTimeoutMs(),
            c.groupMaxSize(), c.offsetMetadataMaxBytes(), c.offsetsRetentionMs(), c.offsetsRetentionCheckIntervalMs(),
            new ConsumerGroupConfig(c.groupConsumerHeartbeatIntervalMs(), c.groupConsumerSessionTimeoutMs(),
                c.groupConsumerAssignors(), c.groupConsumerMaxSize(),
                ConsumerGroupConfig.MigrationPolicy.parse(c.groupConsumerMigrationPolicy())),
            new ShareGroupConfig(c.groupShareHeartbeatIntervalMs(), c.groupShareSessionTimeoutMs(), c.groupShareMaxSize(),
                c.groupShareAutoOffsetReset(), new ShareSettings(c.groupShareDeliveryCountLimit(),
                    c.groupShareRecordLockDurationMs(), c.groupSharePartitionMaxRecordLocks())));
    }

    static TransactionConfig transactions(ServerConfig c) {
        return new TransactionConfig(c.transactionStateLogNumPartitions(), c.transactionStateLogReplicationFactor(),
            c.transactionMaxTimeoutMs(), c.transactionalIdExpirationMs(), c.transactionAbortTimedOutIntervalMs(),
            c.transactionRemoveExpiredIntervalMs());
    }

    static BrokerSettings broker(ServerConfig c) {
        return new BrokerSettings(c.brokerId(), c.numPartitions(), c.defaultReplicationFactor(),
            c.autoCreateTopicsEnable(), c.deleteTopicEnable(), c.minInsyncReplicas(), logConfig(c));
    }
}
