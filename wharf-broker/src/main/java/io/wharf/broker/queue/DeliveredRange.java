package io.wharf.broker.queue;

/** Consecutive offsets delivered together, with the delivery count they share (1 for a first delivery). */
public record DeliveredRange(long firstOffset, long lastOffset, int deliveryCount) {
}
