package io.wharf.kafka.share;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * One member of a share group: what it subscribes to and what it was last told it is assigned.
 * {@code ownerId} names it to the share partitions, which count their deliveries per owner.
 *
 * <p>Thread-safety: accessed only under its group's monitor.
 */
final class ShareMember {
    final String memberId;
    final long ownerId;
    String rackId;
    String clientId;
    String clientHost;
    int epoch;
    List<String> subscribedTopicNames = List.of();
    /** topic → partitions, as last sent to the member. */
    Map<String, Set<Integer>> assignment = Map.of();
    ScheduledFuture<?> sessionTimer;

    ShareMember(String memberId, long ownerId) {
        this.memberId = memberId;
        this.ownerId = ownerId;
    }
}
