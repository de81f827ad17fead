package io.wharf.kafka;

import io.wharf.broker.group.OffsetStore;
import io.wharf.kafka.admin.AdminApis;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.ApiVersionsHandler;
import io.wharf.kafka.fetch.FetchApis;
import io.wharf.kafka.group.GroupApis;
import io.wharf.kafka.group.GroupConfigs;
import io.wharf.kafka.metadata.MetadataApis;
import io.wharf.kafka.produce.ProduceApis;
import io.wharf.kafka.txn.TxnApis;
import org.apache.kafka.common.protocol.ApiKeys;

/** Assembles the table of implemented Kafka APIs, one feature package at a time. */
public final class KafkaApis {
    private KafkaApis() {
    }

    public static ApiRegistry create(KafkaContext context) {
        ApiRegistry registry = new ApiRegistry();
        registry.register(ApiKeys.API_VERSIONS, 0, new ApiVersionsHandler(registry));
        MetadataApis.register(registry, context);
        GroupConfigs groupConfigs = new GroupConfigs(context.broker().metadata().wharfNodes(),
            new GroupConfigs.Defaults(context.settings().consumerGroups(), context.settings().shareGroups()));
        AdminApis.register(registry, context, groupConfigs);
        // Shared by the group and transaction coordinators: transaction markers settle transactional commits.
        OffsetStore offsets = new OffsetStore(context.broker().topics(), context.settings().offsetsTopicNumPartitions(),
            context.settings().offsetsTopicReplicationFactor());
        TxnApis.Transactions transactions = TxnApis.register(registry, context, offsets);
        ProduceApis.register(registry, context, transactions.verifier());
        FetchApis.register(registry, context);
        GroupApis.register(registry, context, offsets, transactions.verifier(), transactions.start(), groupConfigs);
        return registry;
    }
}
