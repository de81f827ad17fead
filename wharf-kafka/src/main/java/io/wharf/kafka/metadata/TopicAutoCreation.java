package io.wharf.kafka.metadata;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.topic.TopicManager;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.kafka.api.ErrorMapping;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a topic that a Metadata request names but that does not exist ({@code auto.create.topics.enable}),
 * with {@code num.partitions} partitions of {@code default.replication.factor} replicas, and answers for it
 * as Kafka does: LEADER_NOT_AVAILABLE this round (also when another request created it first), so the
 * client asks again and then gets the partitions; the creation's own error when it fails.
 *
 * <p>Internal topics ({@code __consumer_offsets}, ...) are not created here: their coordinators create them
 * with their own partition counts and compacted configs, and a Metadata request must not create one with
 * the defaults of ordinary topics first.
 */
final class TopicAutoCreation {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAutoCreation.class);

    private final TopicManager topics;

    TopicAutoCreation(TopicManager topics) {
        this.topics = topics;
    }

    MetadataResponseTopic create(String name) {
        if (TopicNames.isInternal(name)) return MetadataHandler.topicError(name, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        Errors error;
        try {
            topics.createTopic(name, -1, (short) -1, Map.of(), false);
            LOG.info("Auto-created topic {} requested by a Metadata request", name);
            error = Errors.LEADER_NOT_AVAILABLE;
        } catch (BrokerException e) {
            error = e.error() == BrokerError.TOPIC_ALREADY_EXISTS ? Errors.LEADER_NOT_AVAILABLE : ErrorMapping.toKafka(e.error());
            if (error != Errors.LEADER_NOT_AVAILABLE) LOG.info("Cannot auto-create topic {}: {}", name, e.getMessage());
        }
        return new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID).setErrorCode(error.code())
            .setIsInternal(false).setPartitions(List.of());
    }
}
