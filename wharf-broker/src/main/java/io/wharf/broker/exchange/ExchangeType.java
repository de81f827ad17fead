package io.wharf.broker.exchange;

import java.util.Optional;

/**
 * The exchange types, by the names clients declare them with: AMQP 0-9-1's four, and Wharf's own
 * {@code x-kafka}, named in the style of RabbitMQ's plugin types ({@code x-consistent-hash}).
 */
public enum ExchangeType {
    DIRECT("direct"),
    FANOUT("fanout"),
    TOPIC("topic"),
    HEADERS("headers"),
    /**
     * Routes nothing on: every message it receives is appended to one Kafka topic (argument
     * {@value ExchangeDefinition#KAFKA_TOPIC}, default the exchange's name). It has no bindings of its own.
     */
    KAFKA("x-kafka");

    private final String wireName;

    ExchangeType(String wireName) {
        this.wireName = wireName;
    }

    /** The type's name on the wire: {@code direct}, {@code fanout}, {@code topic}, {@code headers}, {@code x-kafka}. */
    public String wireName() { return wireName; }

    public static Optional<ExchangeType> fromWireName(String name) {
        for (ExchangeType t : values()) if (t.wireName.equals(name)) return Optional.of(t);
        return Optional.empty();
    }
}
