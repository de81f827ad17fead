package io.wharf.amqp;

import com.rabbitmq.client.impl.Method;
import java.nio.charset.StandardCharsets;

/**
 * A protocol error to report to the client (spec 1.4.2, reply codes): a channel error closes its channel
 * (403, 404, 405, 406), a connection error closes the connection (501-541, 530). The class and method ids
 * name the method that failed, as Channel.Close and Connection.Close carry them.
 */
public final class AmqpException extends RuntimeException {
    public static final int ACCESS_REFUSED = 403;
    public static final int NOT_FOUND = 404;
    public static final int RESOURCE_LOCKED = 405;
    public static final int PRECONDITION_FAILED = 406;
    public static final int CONNECTION_FORCED = 320;
    public static final int INVALID_PATH = 402;
    public static final int FRAME_ERROR = 501;
    public static final int SYNTAX_ERROR = 502;
    public static final int COMMAND_INVALID = 503;
    public static final int CHANNEL_ERROR = 504;
    public static final int UNEXPECTED_FRAME = 505;
    public static final int RESOURCE_ERROR = 506;
    public static final int NOT_ALLOWED = 530;
    public static final int NOT_IMPLEMENTED = 540;
    public static final int INTERNAL_ERROR = 541;

    private static final int MAX_REPLY_TEXT = 255;

    private final int code;
    private final int classId;
    private final int methodId;

    public AmqpException(int code, String text, int classId, int methodId) {
        super(text);
        this.code = code;
        this.classId = classId;
        this.methodId = methodId;
    }

    public static AmqpException of(int code, String text, Method method) {
        return new AmqpException(code, text, method == null ? 0 : method.protocolClassId(),
            method == null ? 0 : method.protocolMethodId());
    }

    public int code() { return code; }
    public int classId() { return classId; }
    public int methodId() { return methodId; }

    /** Whether the error closes the whole connection rather than one channel (spec 1.4.2.2). */
    public boolean isConnectionError() {
        return code == CONNECTION_FORCED || code == INVALID_PATH || code >= 500;
    }

    /**
     * The reply text as RabbitMQ writes it: the constant's name, a dash, the detail. A shortstr in Close, so
     * cut to 255 bytes of UTF-8 (a long queue name may be in it).
     */
    public String replyText() {
        String text = name(code) + " - " + getMessage();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REPLY_TEXT) return text;
        int end = MAX_REPLY_TEXT;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) end--; // not inside a character
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    private static String name(int code) {
        return switch (code) {
            case ACCESS_REFUSED -> "ACCESS_REFUSED";
            case NOT_FOUND -> "NOT_FOUND";
            case RESOURCE_LOCKED -> "RESOURCE_LOCKED";
            case PRECONDITION_FAILED -> "PRECONDITION_FAILED";
            case CONNECTION_FORCED -> "CONNECTION_FORCED";
            case INVALID_PATH -> "INVALID_PATH";
            case FRAME_ERROR -> "FRAME_ERROR";
            case SYNTAX_ERROR -> "SYNTAX_ERROR";
            case COMMAND_INVALID -> "COMMAND_INVALID";
            case CHANNEL_ERROR -> "CHANNEL_ERROR";
            case UNEXPECTED_FRAME -> "UNEXPECTED_FRAME";
            case RESOURCE_ERROR -> "RESOURCE_ERROR";
            case NOT_ALLOWED -> "NOT_ALLOWED";
            case NOT_IMPLEMENTED -> "NOT_IMPLEMENTED";
            default -> "INTERNAL_ERROR";
        };
    }
}
