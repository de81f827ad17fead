package io.wharf.kafka.group.consumer;

import java.util.Map;
import java.util.Set;

/**
 * A server-side assignor of KIP-848: computes every member's target assignment from the members'
 * subscriptions and the subscribed topics' partition counts. Implementations are stateless and must give
 * every partition of a subscribed topic to exactly one member subscribed to it (when there is one).
 */
public interface ConsumerAssignor {
    /** The name clients choose it by ({@code group.remote.assignor}). */
    String name();

    /**
     * @param members    each member's subscribed topics and its current target assignment (to stay sticky)
     * @param partitions each subscribed topic's partition count
     * @return each member's new target assignment (every member of {@code members} present)
     */
    Map<String, Assignment> assign(Map<String, Subscriber> members, Map<String, Integer> partitions);

    /** One member as an assignor sees it. */
    record Subscriber(Set<String> topics, Assignment current) {
    }
}
