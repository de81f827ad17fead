package io.wharf.broker.security;

import java.util.Objects;

/**
 * An access-control change refused because of the state it found: a vhost or user that does not exist, or one
 * that already exists. The message reads like RabbitMQ's ({@code vhost 'x' does not exist}); {@link #reason()}
 * says which case it was, for callers that map it (the HTTP API: 404 or 409). Bad input (an empty name, a regex
 * that does not compile) is an {@link IllegalArgumentException} instead.
 */
public final class AccessException extends RuntimeException {

    /** Which state refused the change. */
    public enum Reason {
        NO_SUCH_VHOST, NO_SUCH_USER, VHOST_EXISTS, USER_EXISTS
    }

    private final Reason reason;

    private AccessException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    static AccessException noSuchVhost(String vhost) {
        return new AccessException(Reason.NO_SUCH_VHOST, "vhost '" + vhost + "' does not exist");
    }

    static AccessException noSuchUser(String user) {
        return new AccessException(Reason.NO_SUCH_USER, "user '" + user + "' does not exist");
    }

    static AccessException vhostExists(String vhost) {
        return new AccessException(Reason.VHOST_EXISTS, "vhost '" + vhost + "' already exists");
    }

    static AccessException userExists(String user) {
        return new AccessException(Reason.USER_EXISTS, "user '" + user + "' already exists");
    }

    public Reason reason() {
        return reason;
    }
}
