package io.wharf.broker.vhost;

import io.wharf.broker.queue.MessageQueue;
import java.util.List;

/**
 * Where a published message goes ({@link VirtualHost#route}): queues, and the Kafka topics of the x-kafka
 * exchanges it reached, each once. Both count as routed: only an empty route is unroutable (a mandatory
 * message comes back).
 */
public record Route(List<MessageQueue> queues, List<String> topics) {
    public boolean isEmpty() { return queues.isEmpty() && topics.isEmpty(); }

    /** How many destinations must store the message. */
    public int size() { return queues.size() + topics.size(); }
}
