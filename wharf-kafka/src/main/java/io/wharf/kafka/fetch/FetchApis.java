package io.wharf.kafka.fetch;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;

/** Registers the Kafka APIs of the {@code fetch} feature. */
public final class FetchApis {
    private FetchApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
    }
}
