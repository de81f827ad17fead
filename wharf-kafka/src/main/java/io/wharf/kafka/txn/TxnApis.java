package io.wharf.kafka.txn;

import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the Kafka APIs of idempotent (and, later, transactional) producers. */
public final class TxnApis {
    private TxnApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
        ProducerIdManager producerIds = new ProducerIdManager(context.broker().metadata(), context.brokerId());
        registry.register(ApiKeys.INIT_PRODUCER_ID, 0, new InitProducerIdHandler(producerIds));
    }
}
