package io.wharf.broker.vhost;

/**
 * A refused operation on a virtual host's exchanges, queues or bindings, with a reason each protocol maps
 * onto its own codes (AMQP: 404, 406, 405, 403, 530; MQTT: reason codes). Messages follow RabbitMQ's wording
 * ("no queue 'q' in vhost '/'"), which is what users search for.
 */
public final class VhostException extends RuntimeException {
    public enum Reason {
        /** The exchange or queue does not exist (AMQP 404). */
        NOT_FOUND,
        /** It exists with other properties, or is in use / not empty (AMQP 406). */
        PRECONDITION_FAILED,
        /** An exclusive queue of another connection (AMQP 405). */
        RESOURCE_LOCKED,
        /** A reserved name or the default exchange (AMQP 403). */
        ACCESS_REFUSED,
        /** An unknown exchange type or a bad argument value (AMQP 503 / 406 as the protocol says). */
        INVALID_ARGUMENT,
        /** The command is not valid here (AMQP 503, a connection error). */
        COMMAND_INVALID
    }

    private final Reason reason;

    public VhostException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
