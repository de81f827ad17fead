package io.wharf.kafka.fetch;

import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the Kafka APIs of the {@code fetch} feature: Fetch, ListOffsets and OffsetForLeaderEpoch. */
public final class FetchApis {
    private FetchApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
        PartitionLeaders leaders = new PartitionLeaders(context.broker().topics(), context.broker().settings());
        // Every version kafka-clients (Kafka 4) knows: the registry clamps 0 to the oldest.
        registry.register(ApiKeys.FETCH, 0, new FetchHandler(context.broker().topics(), leaders, context.scheduler()));
        registry.register(ApiKeys.LIST_OFFSETS, 0, new ListOffsetsHandler(leaders));
        registry.register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 0, new OffsetForLeaderEpochHandler(leaders));
    }
}
