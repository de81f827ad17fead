package io.wharf.kafka;

import io.wharf.kafka.group.ConsumerGroupConfig;
import io.wharf.kafka.share.ShareGroupConfig;
import io.wharf.kafka.txn.TransactionConfig;

/**
 * The broker settings the Kafka APIs consult, from {@code server.properties} (Kafka's key names).
 */
public record KafkaSettings(boolean autoCreateTopics, int numPartitions, short defaultReplicationFactor,
                            int messageMaxBytes, int offsetsTopicNumPartitions, short offsetsTopicReplicationFactor,
                            TransactionConfig transactions,
                            int groupInitialRebalanceDelayMs, int groupMinSessionTimeoutMs,
                            int groupMaxSessionTimeoutMs, int groupMaxSize, int offsetMetadataMaxBytes,
                            long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                            ConsumerGroupConfig consumerGroups, ShareGroupConfig shareGroups) {
}
