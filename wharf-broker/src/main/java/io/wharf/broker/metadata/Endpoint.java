package io.wharf.broker.metadata;

import java.util.Objects;
import java.util.Set;

/**
 * One advertised listener of a broker: its name (Kafka's {@code listeners} prefix, e.g. {@code PLAINTEXT},
 * {@code CLIENT}, {@code AMQP}), its security protocol, and the host and port clients should dial.
 *
 * <p>An endpoint whose security protocol is one of Kafka's ({@code PLAINTEXT}, {@code SSL},
 * {@code SASL_PLAINTEXT}, {@code SASL_SSL}) is a Kafka listener and is written to Kafka's {@code endpoints}
 * list. Any other security protocol names a Wharf listener for another wire protocol (for example
 * {@code AMQP}, {@code AMQPS}, {@code MQTT}, {@code MQTTS}, {@code HTTP}, {@code HTTPS}) and is written to
 * the {@code wharf_endpoints} field that Kafka ignores. Immutable.
 */
public record Endpoint(String listenerName, String securityProtocol, String host, int port) {

    /** The values of Kafka's {@code SecurityProtocol} enum. */
    static final Set<String> KAFKA_SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    public Endpoint {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        Objects.requireNonNull(host, "host");
        if (listenerName.isEmpty() || listenerName.contains(":") || listenerName.contains("/")) {
            throw new IllegalArgumentException("Listener name '" + listenerName + "' is empty or contains ':' or '/'");
        }
        if (securityProtocol.isEmpty()) {
            throw new IllegalArgumentException("Security protocol of listener " + listenerName + " is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " of listener " + listenerName + " is out of range");
        }
    }

    /** True when this is a Kafka listener, i.e. its security protocol is one of Kafka's. */
    public boolean isKafkaListener() {
        return KAFKA_SECURITY_PROTOCOLS.contains(securityProtocol);
    }

    /** Kafka's connection string, {@code LISTENER://host:port}, with an IPv6 host in brackets. */
    public String connectionString() {
        String printedHost = host.contains(":") ? "[" + host + "]" : host;
        return listenerName + "://" + printedHost + ":" + port;
    }
}
