package io.wharf.kafka.api;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.TopicManager;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Topic ids between the broker core, which keeps them as Kafka prints them (22 characters of URL-safe
 * base64, empty for a topic not yet created), and the protocol's {@link Uuid}.
 */
public final class TopicIdCodec {
    private TopicIdCodec() {
    }

    /** The id as the protocol carries it; {@link Uuid#ZERO_UUID} for a topic without one. */
    public static Uuid toUuid(String topicId) {
        if (topicId == null || topicId.isEmpty()) return Uuid.ZERO_UUID;
        try {
            return Uuid.fromString(topicId);
        } catch (IllegalArgumentException e) {
            return Uuid.ZERO_UUID; // written by hand into ZooKeeper; clients then address the topic by name
        }
    }

    /** The protocol id of a topic by name; empty if the topic does not exist (it may just have been deleted). */
    public static Optional<Uuid> idOf(TopicManager topics, String topic) {
        return topics.topic(topic).map(TopicMetadata::topicId).map(TopicIdCodec::toUuid);
    }

    /** The id as the broker core keeps it. */
    public static String toText(Uuid topicId) {
        return topicId.toString();
    }
}
