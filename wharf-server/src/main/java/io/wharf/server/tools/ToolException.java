package io.wharf.server.tools;

/** A tool failure with a message for the user (printed as one line, exit code 1). */
public final class ToolException extends RuntimeException {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Unwraps the client's exceptions into one line that names the broker. */
    static ToolException from(Throwable e, String bootstrap) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.ExecutionException
            || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new ToolException("No answer from a broker at " + bootstrap + " (" + cause.getMessage()
                + "); is it running, and is --bootstrap-server right?", cause);
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ToolException(message, cause);
    }
}
