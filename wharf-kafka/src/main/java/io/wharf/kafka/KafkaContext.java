package io.wharf.kafka;

import io.wharf.broker.Broker;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every Kafka API handler may use: the broker core, this broker's identity and settings, and a
 * scheduler for timeouts (long-poll fetches, session expiry). One per broker, shared by all listeners.
 */
public record KafkaContext(Broker broker, String clusterId, KafkaSettings settings, ScheduledExecutorService scheduler) {
    public int brokerId() { return broker.settings().brokerId(); }
}
