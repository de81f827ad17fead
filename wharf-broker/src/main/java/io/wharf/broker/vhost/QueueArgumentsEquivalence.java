package io.wharf.broker.vhost;

import java.util.List;

/**
 * Which queue arguments a redeclaration must repeat, and when two values count as the same: RabbitMQ
 * compares these and answers PRECONDITION_FAILED on a difference; other arguments may change freely.
 * Integers compare by value whatever their width (a client may send {@code x-message-ttl} as a long one
 * day and an int the next).
 */
final class QueueArgumentsEquivalence {
    static final List<String> COMPARED = List.of("x-message-ttl", "x-expires", "x-max-length", "x-max-length-bytes",
        "x-overflow", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-priority",
        "x-single-active-consumer", "x-queue-type");

    private QueueArgumentsEquivalence() {
    }

    static boolean same(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (isInteger(a) && isInteger(b)) return ((Number) a).longValue() == ((Number) b).longValue();
        return a.equals(b);
    }

    private static boolean isInteger(Object o) {
        return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte;
    }
}
