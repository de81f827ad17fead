package io.wharf.broker.queue;

import io.wharf.broker.message.Message;

/**
 * The most recently appended messages of a queue, kept in memory so that a consumer that keeps up is served
 * without reading the log back. It holds one contiguous window of offsets, bounded in bytes: while the
 * window is full, new messages are only on disk (and read from there when their turn comes), so the memory
 * a queue costs does not grow with its depth. A window entry leaves when its message is first delivered.
 *
 * <p>Not thread-safe: used under its queue's lock.
 */
final class MessageCache {
    private final long budgetBytes;
    private Message[] ring = new Message[16];
    private int head;
    private int count;
    private long start;
    private long usedBytes;

    MessageCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Offers the message just appended at {@code offset}; kept if it extends the window within budget. */
    void appended(long offset, Message message) {
        if (count > 0 && offset != start + count) return;
        if (usedBytes + message.size() > budgetBytes && count > 0) return;
        if (count == 0) {
            start = offset;
            head = 0;
        }
        if (count == ring.length) grow();
        ring[(head + count) & (ring.length - 1)] = message;
        count++;
        usedBytes += message.size();
    }

    /** The cached message at {@code offset}, or null. */
    Message get(long offset) {
        if (offset < start || offset >= start + count) return null;
        return ring[(head + (int) (offset - start)) & (ring.length - 1)];
    }

    /** Drops every entry below {@code offset} (delivered or settled). */
    void releaseBelow(long offset) {
        while (count > 0 && start < offset) {
            Message m = ring[head];
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            count--;
            start++;
            usedBytes -= m.size();
        }
    }

    void clear() {
        java.util.Arrays.fill(ring, null);
        head = 0;
        count = 0;
        usedBytes = 0;
    }

    long usedBytes() { return usedBytes; }

    private void grow() {
        Message[] bigger = new Message[ring.length * 2];
        for (int i = 0; i < count; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
    }
}
