package io.wharf.broker;

/**
 * What went wrong in the broker core, in protocol-neutral terms. Each front-end maps these onto its own
 * error codes (Kafka error codes, AMQP reply codes, MQTT reason codes).
 */
public enum BrokerError {
    UNKNOWN_TOPIC_OR_PARTITION,
    TOPIC_ALREADY_EXISTS,
    INVALID_TOPIC,
    INVALID_PARTITIONS,
    INVALID_REPLICATION_FACTOR,
    INVALID_CONFIG,
    TOPIC_DELETION_DISABLED,
    NOT_LEADER_OR_FOLLOWER,
    CORRUPT_MESSAGE,
    MESSAGE_TOO_LARGE,
    INVALID_RECORD,
    UNSUPPORTED_FOR_MESSAGE_FORMAT,
    OFFSET_OUT_OF_RANGE,
    /** acks=all while the in-sync replicas are fewer than {@code min.insync.replicas}. */
    NOT_ENOUGH_REPLICAS,
    /** The topic's configuration forbids the operation (DeleteRecords on a compact-only topic). */
    POLICY_VIOLATION,
    INVALID_PRODUCER_EPOCH,
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    /** A record timestamp outside the topic's {@code message.timestamp.before/after.max.ms} window. */
    INVALID_TIMESTAMP,
    UNKNOWN
}
