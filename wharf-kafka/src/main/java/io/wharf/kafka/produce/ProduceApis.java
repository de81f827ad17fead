package io.wharf.kafka.produce;

import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.txn.TransactionVerifier;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the Kafka APIs of the {@code produce} feature: Produce and DeleteRecords. */
public final class ProduceApis {
    private ProduceApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context, TransactionVerifier transactions) {
        PartitionLeaders leaders = new PartitionLeaders(context.broker().topics(), context.broker().settings());
        // From the oldest version kafka-clients parses (3). ApiVersions still advertises Produce from v0 for
        // librdkafka's sake (see ApiVersionsHandler).
        registry.register(ApiKeys.PRODUCE, 0, new ProduceHandler(context.broker().topics(), leaders, transactions));
        registry.register(ApiKeys.DELETE_RECORDS, 0, new DeleteRecordsHandler(leaders));
    }
}
