package io.wharf.broker;

/** A request the broker core refuses, with a {@link BrokerError} the front-ends translate. */
public class BrokerException extends RuntimeException {
    private final BrokerError error;

    public BrokerException(BrokerError error, String message) {
        super(message);
        this.error = error;
    }

    public BrokerException(BrokerError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public BrokerError error() { return error; }
}
