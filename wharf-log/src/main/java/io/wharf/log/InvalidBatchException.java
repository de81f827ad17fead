package io.wharf.log;

/**
 * A batch handed to the log that it refuses to store. The reason maps onto the protocols' own error codes
 * (Kafka: CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_RECORD, UNSUPPORTED_FOR_MESSAGE_FORMAT,
 * INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_TIMESTAMP).
 */
public final class InvalidBatchException extends RuntimeException {
    public enum Reason {
        CORRUPT, TOO_LARGE, INVALID_RECORD, UNSUPPORTED_MAGIC,
        /** An idempotent producer's batch from an older epoch than its current one. */
        INVALID_PRODUCER_EPOCH,
        /** An idempotent producer's batch that does not follow its previous sequence. */
        OUT_OF_ORDER_SEQUENCE,
        /** A record timestamp outside the log's CreateTime bounds ({@code message.timestamp.*.max.ms}). */
        INVALID_TIMESTAMP
    }

    private final Reason reason;

    public InvalidBatchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
