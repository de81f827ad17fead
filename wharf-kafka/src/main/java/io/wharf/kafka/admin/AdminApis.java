package io.wharf.kafka.admin;

import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;

/** Registers the Kafka APIs of the {@code admin} feature. */
public final class AdminApis {
    private AdminApis() {
    }

    public static void register(ApiRegistry registry, KafkaContext context) {
    }
}
