package io.wharf.broker.queue;

import io.wharf.broker.message.Message;

/** A message as a queue hands it out: its offset in the queue's log and how often it went out. */
public record QueueMessage(long offset, Message message, int deliveryCount) {
    public boolean redelivered() { return deliveryCount > 1; }
}
