package io.wharf.amqp.basic;

import io.wharf.broker.queue.MessageQueue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acknowledgements gathered during one socket read, applied queue by queue at its end: a consumer acking
 * every message costs its durable queue one journal append and one dispatch per read, not per Basic.Ack.
 * Nothing is lost by the wait: an acknowledgement not yet applied when the broker stops only means the
 * message is delivered again. Confined to the connection's event loop.
 */
final class PendingAcks {
    private static final class Offsets {
        long[] values = new long[16];
        int count;

        void add(long offset) {
            if (count == values.length) values = Arrays.copyOf(values, count * 2);
            values[count++] = offset;
        }
    }

    private final Map<MessageQueue, Offsets> byQueue = new LinkedHashMap<>();

    void add(MessageQueue queue, long offset) {
        byQueue.computeIfAbsent(queue, q -> new Offsets()).add(offset);
    }

    boolean isEmpty() { return byQueue.isEmpty(); }

    boolean touches(MessageQueue queue) { return byQueue.containsKey(queue); }

    /** Acknowledges everything gathered, in the queues. */
    void apply() {
        if (byQueue.isEmpty()) return;
        try {
            byQueue.forEach((queue, offsets) -> queue.ack(offsets.values, offsets.count));
        } finally {
            byQueue.clear();
        }
    }
}
