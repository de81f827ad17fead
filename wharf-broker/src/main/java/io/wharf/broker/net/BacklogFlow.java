package io.wharf.broker.net;

import io.netty.channel.EventLoop;
import io.wharf.broker.queue.MessageQueue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flow control from queues back to one publishing connection, in the spirit of RabbitMQ's credit flow: a
 * publisher may not outrun the consumers its messages go to. When a queue it just published to has more than
 * {@code high} messages its connected consumers have not taken ({@link MessageQueue#backlog}), the connection
 * stops reading ({@link PublisherBlock#holdForBacklog}: TCP back-pressure, nothing is dropped) until every such
 * queue is down to {@code high / 2}, or has lost its consumers. A queue with no consumer — an offline persistent
 * session — never holds a publisher back: it grows within its own limits. Publishers whose messages go elsewhere
 * are not slowed.
 *
 * <p>The bound is checked per publish against the backlog the queue last published plus what the connection has
 * batched for it and not yet appended; once reading stops, what the last socket read brought is still handled,
 * so the backlog may pass the bound by one read's worth of messages.
 *
 * <p>Confined to the connection's event loop; queues report drains from their own threads, handed over.
 */
public final class BacklogFlow {
    private final PublisherBlock block;
    private final EventLoop eventLoop;
    private final long high;
    private final long low;
    /** Queues over the bound, with the wake-up each was given. */
    private final Map<MessageQueue, Runnable> waitingOn = new HashMap<>();
    private boolean stopped;

    /** @param high the backlog above which the publisher is held back; 0 turns flow control off */
    public BacklogFlow(PublisherBlock block, EventLoop eventLoop, long high) {
        if (high < 0) throw new IllegalArgumentException("the backlog bound must be >= 0, not " + high);
        this.block = block;
        this.eventLoop = eventLoop;
        this.high = high;
        this.low = high / 2;
    }

    /**
     * The connection published to {@code queues}: holds it back if one of them is over the bound.
     *
     * @param batched messages the connection holds for some of these queues, not yet appended (so not yet in
     *                their backlog): counted for each
     */
    public void published(List<MessageQueue> queues, int batched) {
        if (high == 0 || stopped) return;
        for (int i = 0, n = queues.size(); i < n; i++) {
            MessageQueue q = queues.get(i);
            if (q.backlog() + batched > high && !waitingOn.containsKey(q)) hold(q);
        }
    }

    /** Whether a queue's backlog holds the connection back. */
    public boolean holding() { return !waitingOn.isEmpty(); }

    /** The connection is gone: forgets every wait. */
    public void stop() {
        stopped = true;
        waitingOn.forEach(MessageQueue::cancelBacklogWait);
        waitingOn.clear();
    }

    private void hold(MessageQueue q) {
        Runnable wake = new Runnable() {
            @Override
            public void run() {
                eventLoop.execute(() -> drained(q, this));
            }
        };
        waitingOn.put(q, wake);
        block.holdForBacklog();
        q.awaitBacklog(low, wake);
    }

    private void drained(MessageQueue q, Runnable wake) {
        if (stopped || waitingOn.get(q) != wake) return;
        waitingOn.remove(q);
        if (waitingOn.isEmpty()) block.backlogDrained();
    }
}
