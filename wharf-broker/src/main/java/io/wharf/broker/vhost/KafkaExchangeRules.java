package io.wharf.broker.vhost;

import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.exchange.ExchangeType;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.vhost.VhostException.Reason;
import java.util.Locale;
import java.util.Objects;

/**
 * What an x-kafka exchange must satisfy, in RabbitMQ's words for the same refusals:
 * <ul>
 *   <li>declared: {@value ExchangeDefinition#KAFKA_TOPIC}, when given, is a string (else PRECONDITION_FAILED,
 *       "invalid arg"); the topic exists (else NOT_FOUND, "no Kafka topic 't' for exchange 'x' in vhost '/'");
 *       it is not one of Kafka's internal topics, whose records only their coordinators may write (else
 *       ACCESS_REFUSED). The topic is checked once, at declaration: one deleted later makes appends fail.
 *   <li>redeclared: with the same topic (PRECONDITION_FAILED "inequivalent arg" otherwise); an absent argument
 *       and the exchange's own name are the same topic.
 *   <li>bound: only as a destination. It appends everything it receives and routes nothing on, so a binding
 *       from it would never match anything; it is refused with PRECONDITION_FAILED, as RabbitMQ refuses a
 *       binding an exchange type cannot use ("binding invalid").
 * </ul>
 */
final class KafkaExchangeRules {
    private KafkaExchangeRules() {
    }

    static void checkNew(String vhost, ExchangeDefinition def, TopicAppender topics) {
        if (def.type() != ExchangeType.KAFKA) return;
        if (def.arguments().containsKey(ExchangeDefinition.KAFKA_TOPIC) && !(def.kafkaTopicArgument() instanceof String)) {
            throw new VhostException(Reason.PRECONDITION_FAILED, "invalid arg '" + ExchangeDefinition.KAFKA_TOPIC
                + "' for exchange '" + def.name() + "' in vhost '" + vhost + "': expected a string (longstr), got "
                + def.arguments().get(ExchangeDefinition.KAFKA_TOPIC));
        }
        String topic = def.kafkaTopic();
        if (TopicNames.isInternal(topic)) {
            throw new VhostException(Reason.ACCESS_REFUSED, "exchange '" + def.name() + "' in vhost '" + vhost
                + "' cannot append to Kafka's internal topic '" + topic + "'");
        }
        if (!topics.exists(topic)) {
            throw new VhostException(Reason.NOT_FOUND, "no Kafka topic '" + topic + "' for exchange '" + def.name()
                + "' in vhost '" + vhost + "'");
        }
    }

    /** Whether {@code received} names the same topic as {@code current} (always, for other types). */
    static boolean sameTopic(ExchangeDefinition received, ExchangeDefinition current) {
        return current.type() != ExchangeType.KAFKA
            || Objects.equals(received.kafkaTopicArgument(), current.kafkaTopicArgument());
    }

    static void checkSource(String vhost, ExchangeDefinition source, Binding binding) {
        if (source.type() != ExchangeType.KAFKA) return;
        throw new VhostException(Reason.PRECONDITION_FAILED, "binding invalid: exchange '" + source.name()
            + "' in vhost '" + vhost + "' is of type 'x-kafka': it appends every message to Kafka topic '"
            + source.kafkaTopic() + "' and cannot be the source of a binding (to " + binding.destination().kind()
            .name().toLowerCase(Locale.ROOT) + " '" + binding.destination().name() + "')");
    }
}
