package io.wharf.broker.queue;

import java.util.concurrent.atomic.AtomicLong;

/** Hands out the owner ids of deliveries: one per consumer, and one per channel for basic.get. */
public final class QueueOwners {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private QueueOwners() {
    }

    public static long next() { return NEXT.getAndIncrement(); }
}
