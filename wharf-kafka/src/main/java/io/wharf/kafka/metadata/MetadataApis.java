package io.wharf.kafka.metadata;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.BlockingWork;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the Kafka APIs of the {@code metadata} feature. */
public final class MetadataApis {
    private MetadataApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
        // Metadata reads ZooKeeper (live brokers) and may create topics: never on an event loop.
        BlockingWork work = new BlockingWork("kafka-metadata", 2);
        // Every version kafka-clients parses: Kafka 4 still serves Metadata from version 0.
        registry.register(ApiKeys.METADATA, 0, new MetadataHandler(context, work));
        registry.register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0,
            new DescribeTopicPartitionsHandler(context.broker().topics(), context.broker().metadata(), work));
    }
}
