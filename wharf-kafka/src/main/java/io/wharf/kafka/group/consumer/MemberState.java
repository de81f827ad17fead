package io.wharf.kafka.group.consumer;

/** Where a member of a consumer group stands in reaching its target assignment (KIP-848). */
public enum MemberState {
    /** It owns its whole target assignment, at the target's epoch. */
    STABLE,
    /** It must first give up partitions that its target no longer holds; it keeps its old epoch until it has. */
    UNREVOKED_PARTITIONS,
    /** It is at the target's epoch but waits for partitions that other members have not released yet. */
    UNRELEASED_PARTITIONS
}
