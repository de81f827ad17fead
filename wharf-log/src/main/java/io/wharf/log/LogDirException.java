package io.wharf.log;

/** A log directory that cannot be used: not writable, locked by another broker, unreadable. */
public final class LogDirException extends RuntimeException {
    public LogDirException(String message, Throwable cause) {
        super(message, cause);
    }
}
