package io.wharf.broker;

import io.wharf.log.LogConfig;

/**
 * What the broker core needs from the server's configuration (built by wharf-server from
 * {@code server.properties}): its id, topic defaults and the default log settings.
 */
public record BrokerSettings(int brokerId, int numPartitions, short defaultReplicationFactor,
                             boolean autoCreateTopics, boolean deleteTopicEnable, int minInsyncReplicas,
                             LogConfig defaultLogConfig) {
}
