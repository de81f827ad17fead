package io.wharf.broker.metadata;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a live broker publishes at {@code /brokers/ids/<brokerId>}: its id, its advertised endpoints (Kafka
 * listeners and Wharf's other protocol listeners, see {@link Endpoint}) and its rack. Endpoints are kept
 * sorted by listener name, which must be unique, so that a registration reads back equal to what was
 * written. Immutable.
 */
public record BrokerRegistration(int brokerId, List<Endpoint> endpoints, Optional<String> rack) {

    public BrokerRegistration {
        if (brokerId < 0) {
            throw new IllegalArgumentException("broker.id must be >= 0, got " + brokerId);
        }
        Objects.requireNonNull(rack, "rack");
        endpoints = endpoints.stream().sorted(Comparator.comparing(Endpoint::listenerName)).toList();
        Set<String> names = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            if (!names.add(endpoint.listenerName())) {
                throw new IllegalArgumentException("Broker " + brokerId + " advertises listener "
                        + endpoint.listenerName() + " twice: " + endpoints);
            }
        }
    }

    /** The endpoints Kafka clients and Kafka brokers use, in listener-name order. */
    public List<Endpoint> kafkaEndpoints() {
        return endpoints.stream().filter(Endpoint::isKafkaListener).toList();
    }

    /** The endpoint of the listener called {@code listenerName}, if this broker advertises one. */
    public Optional<Endpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
