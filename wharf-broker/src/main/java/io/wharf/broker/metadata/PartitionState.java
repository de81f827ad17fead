package io.wharf.broker.metadata;

import java.util.List;

/**
 * The leadership of one partition as the controller last wrote it to
 * {@code /brokers/topics/<topic>/partitions/<p>/state}: the leader's broker id ({@code -1} for none), the
 * leader epoch (bumped on every leader change), the in-sync replicas in the controller's order, and the
 * epoch of the controller that wrote it. Immutable.
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch) {

    /** Kafka's {@code LeaderAndIsr.NO_LEADER}. */
    public static final int NO_LEADER = -1;

    public PartitionState {
        isr = List.copyOf(isr);
    }
}
