package io.wharf.broker.group;

import java.util.Objects;

/**
 * An offset a consumer group committed for one partition: the next offset to read, the leader epoch of the
 * record before it (-1 when unknown), the client's free-form metadata ("" when none) and when the
 * coordinator stored it.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp) {
    public static final int NO_LEADER_EPOCH = -1;

    public CommittedOffset {
        Objects.requireNonNull(metadata, "metadata");
    }
}
