package io.wharf.broker.metadata;

/** A topic could not be created because {@code /brokers/topics/<topic>} already exists. */
public final class TopicExistsException extends MetadataException {

    public TopicExistsException(String topic) {
        super("Topic '" + topic + "' already exists (" + KafkaZkPaths.topic(topic) + ")");
    }
}
