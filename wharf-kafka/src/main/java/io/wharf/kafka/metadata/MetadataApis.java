package io.wharf.kafka.metadata;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;

/** Registers the Kafka APIs of the {@code metadata} feature. */
public final class MetadataApis {
    private MetadataApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
    }
}
