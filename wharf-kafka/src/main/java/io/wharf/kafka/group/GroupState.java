package io.wharf.kafka.group;

import java.util.Locale;
import java.util.Optional;

/**
 * The states of a classic consumer group, named as Kafka's DescribeGroups and ListGroups report them.
 *
 * <pre>
 *   Empty --join--> PreparingRebalance --all joined / rebalance timeout--> CompletingRebalance
 *   CompletingRebalance --leader's SyncGroup--> Stable
 *   Stable | CompletingRebalance --join of a new or changed member, leave, expiry--> PreparingRebalance
 *   PreparingRebalance --nobody rejoined--> Empty
 *   Empty --DeleteGroups--> Dead
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name on the wire ("PreparingRebalance", ...). */
    public String kafkaName() { return kafkaName; }

    /** The state with this wire name, ignoring case (ListGroups filters are case-insensitive). */
    public static Optional<GroupState> parse(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (GroupState s : values()) {
            if (s.kafkaName.toLowerCase(Locale.ROOT).equals(lower)) return Optional.of(s);
        }
        return Optional.empty();
    }
}
