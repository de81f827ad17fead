package io.wharf.broker.metadata;

/** An operation needed an existing topic and {@code /brokers/topics/<topic>} does not exist. */
public final class UnknownTopicException extends MetadataException {

    public UnknownTopicException(String topic) {
        super("Topic '" + topic + "' does not exist (" + KafkaZkPaths.topic(topic) + ")");
    }
}
