package io.wharf.kafka.api;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The one place where the broker core's protocol-neutral {@link BrokerError}s become Kafka error codes.
 * The switch has no default on purpose: a new {@code BrokerError} does not compile until it is mapped here.
 */
public final class ErrorMapping {
    private ErrorMapping() {
    }

    public static Errors toKafka(BrokerError error) {
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case TOPIC_ALREADY_EXISTS -> Errors.TOPIC_ALREADY_EXISTS;
            case INVALID_TOPIC -> Errors.INVALID_TOPIC_EXCEPTION;
            case INVALID_PARTITIONS -> Errors.INVALID_PARTITIONS;
            case INVALID_REPLICATION_FACTOR -> Errors.INVALID_REPLICATION_FACTOR;
            case INVALID_CONFIG -> Errors.INVALID_CONFIG;
            case TOPIC_DELETION_DISABLED -> Errors.TOPIC_DELETION_DISABLED;
            case NOT_LEADER_OR_FOLLOWER -> Errors.NOT_LEADER_OR_FOLLOWER;
            case CORRUPT_MESSAGE -> Errors.CORRUPT_MESSAGE;
            case MESSAGE_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case INVALID_RECORD -> Errors.INVALID_RECORD;
            case UNSUPPORTED_FOR_MESSAGE_FORMAT -> Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT;
            case OFFSET_OUT_OF_RANGE -> Errors.OFFSET_OUT_OF_RANGE;
            case NOT_ENOUGH_REPLICAS -> Errors.NOT_ENOUGH_REPLICAS;
            case POLICY_VIOLATION -> Errors.POLICY_VIOLATION;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_TIMESTAMP -> Errors.INVALID_TIMESTAMP;
            case UNKNOWN -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    /**
     * The Kafka error for any failure: a {@link BrokerException} by its {@link BrokerError}, a kafka-clients
     * {@link ApiException} by its own code, anything else (a bug, a disk failure) UNKNOWN_SERVER_ERROR.
     */
    public static Errors forException(Throwable t) {
        if (t instanceof BrokerException e) return toKafka(e.error());
        if (t instanceof ApiException) return Errors.forException(t);
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    /**
     * The error code and message a response carries for a failure (per topic or per resource). The message
     * of an unexpected failure is not sent: it would describe Wharf's internals, not the request.
     */
    public static ApiError toApiError(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        Errors error = forException(cause);
        return new ApiError(error, error == Errors.UNKNOWN_SERVER_ERROR ? null : cause.getMessage());
    }
}
