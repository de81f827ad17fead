package io.wharf.broker.metadata;

import java.util.List;

/**
 * The znode paths of Kafka's ZooKeeper layout (as a ZooKeeper-mode Kafka broker wrote them), which Wharf
 * keeps so that the tools of that ecosystem find their way around:
 *
 * <pre>
 * /brokers/ids/&lt;id&gt;                           EPHEMERAL, one per live broker (BrokerIdZNode JSON)
 * /brokers/topics/&lt;topic&gt;                     PERSISTENT, replica assignment and topic id (TopicZNode JSON)
 * /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state  PERSISTENT, leader, ISR, epochs (PartitionStateZNode JSON)
 * /config/topics/&lt;topic&gt;                      PERSISTENT, per-topic config overrides (TopicConfigZNode JSON)
 * /admin/delete_topics/&lt;topic&gt;                PERSISTENT, empty: the topic is queued for deletion
 * /controller                                EPHEMERAL, the elected controller (ControllerZNode JSON)
 * /controller_epoch                          PERSISTENT, the controller epoch as decimal text
 * </pre>
 *
 * Topic names are checked against Kafka's rule (1 to 249 of {@code [a-zA-Z0-9._-]}, not "." or "..") before
 * they become part of a path, so a name can never escape its parent znode.
 */
final class KafkaZkPaths {

    static final String BROKER_IDS = "/brokers/ids";
    static final String TOPICS = "/brokers/topics";
    static final String TOPIC_CONFIGS = "/config/topics";
    static final String DELETE_TOPICS = "/admin/delete_topics";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";

    /** The persistent parents a store creates on start when they are missing. */
    static final List<String> PERSISTENT_PATHS = List.of(BROKER_IDS, TOPICS, TOPIC_CONFIGS, DELETE_TOPICS);

    /** Kafka's {@code Topic.MAX_NAME_LENGTH}. */

    private KafkaZkPaths() {
    }

    static String brokerId(int id) {
        return BROKER_IDS + "/" + id;
    }

    static String topic(String topic) {
        return TOPICS + "/" + topic;
    }

    static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    static String deleteTopicMarker(String topic) {
        return DELETE_TOPICS + "/" + topic;
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code topic} is a legal Kafka topic name, so that no
     * name can reach outside its znode ("/", "..").
     */
    static String requireLegalTopic(String topic) {
        TopicNames.problem(topic).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        return topic;
    }
}
