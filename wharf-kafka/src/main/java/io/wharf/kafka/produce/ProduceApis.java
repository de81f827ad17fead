package io.wharf.kafka.produce;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;

/** Registers the Kafka APIs of the {@code produce} feature. */
public final class ProduceApis {
    private ProduceApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
    }
}
