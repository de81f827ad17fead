package io.wharf.kafka.admin;

import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.group.GroupConfigs;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the Kafka APIs of the {@code admin} feature. */
public final class AdminApis {
    private AdminApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context, GroupConfigs groupConfigs) {
        // Topic changes write ZooKeeper: off the event loops, one at a time (a read-modify-write of a topic's
        // configs must not interleave with another).
        BlockingWork work = new BlockingWork("kafka-admin", 1);
        TopicManager topics = context.broker().topics();
        // Every version kafka-clients parses (Kafka 4 dropped the older ones, KIP-896).
        registry.register(ApiKeys.CREATE_TOPICS, 0, new CreateTopicsHandler(topics, work));
        registry.register(ApiKeys.DELETE_TOPICS, 0, new DeleteTopicsHandler(topics, work));
        registry.register(ApiKeys.CREATE_PARTITIONS, 0, new CreatePartitionsHandler(topics, work));
        registry.register(ApiKeys.DESCRIBE_CONFIGS, 0, new DescribeConfigsHandler(context, groupConfigs, work));
        registry.register(ApiKeys.ALTER_CONFIGS, 0, new AlterConfigsHandler(context, work));
        registry.register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, new IncrementalAlterConfigsHandler(context, groupConfigs, work));
        registry.register(ApiKeys.DESCRIBE_CLUSTER, 0, new DescribeClusterHandler(context, work));
        registry.register(ApiKeys.DESCRIBE_LOG_DIRS, 0, new DescribeLogDirsHandler(topics, context.broker().logs(), work));
    }
}
