package io.wharf.broker.exchange;

import java.util.Map;
import java.util.Objects;

/** What an exchange was declared with; what is persisted for a durable one. */
public record ExchangeDefinition(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
                                 Map<String, Object> arguments) {
    /** The argument naming the Kafka topic of an {@link ExchangeType#KAFKA x-kafka} exchange (a longstr). */
    public static final String KAFKA_TOPIC = "x-kafka-topic";

    public ExchangeDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        // Not Map.copyOf: an argument may be void (null), e.g. a headers binding matching on presence.
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }

    /** {@code alternate-exchange}: where messages no binding matches go, or null. */
    public String alternateExchange() {
        Object ae = arguments.get("alternate-exchange");
        return ae == null ? null : ae.toString();
    }

    /**
     * {@value #KAFKA_TOPIC} as declared, or the exchange's name when absent: what a redeclaration must
     * repeat. A String for any x-kafka exchange that was accepted.
     */
    public Object kafkaTopicArgument() {
        Object topic = arguments.get(KAFKA_TOPIC);
        return topic == null ? name : topic;
    }

    /** The Kafka topic an x-kafka exchange appends to. */
    public String kafkaTopic() { return kafkaTopicArgument().toString(); }
}
