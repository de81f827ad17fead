package io.wharf.kafka.group.consumer;

import java.util.function.BiPredicate;

/**
 * The step of KIP-848 that moves one member from its current assignment towards its target, the rule that
 * makes an incremental rebalance safe: a partition is never owned by two members at once.
 *
 * <ul>
 *   <li>A member that owns partitions its target no longer holds must first revoke them: it keeps its epoch
 *       and the partitions it may keep, and the others are pending revocation (UNREVOKED_PARTITIONS) until a
 *       heartbeat reports that it no longer owns any of them.</li>
 *   <li>Then it moves to the target's epoch and gets the target's partitions that no other member still owns
 *       (owned or pending revocation); the rest it gets in a later heartbeat, once released
 *       (UNRELEASED_PARTITIONS).</li>
 * </ul>
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    /** A member's assignment state: epoch, state, owned partitions and those it must give up. */
    public record Position(int epoch, MemberState state, Assignment assigned, Assignment pendingRevocation) {
    }

    /**
     * @param current      where the member is
     * @param targetEpoch  the epoch of the group's target assignment
     * @param target       the member's part of it
     * @param reported     the partitions the member said it owns in this heartbeat, or null when it did not say
     * @param ownedByOther whether another member still owns (or is revoking) a partition
     */
    public static Position next(Position current, int targetEpoch, Assignment target, Assignment reported,
                                BiPredicate<String, Integer> ownedByOther) {
        switch (current.state()) {
            case UNREVOKED_PARTITIONS -> {
                boolean revoked = reported != null && reported.intersect(current.pendingRevocation()).isEmpty();
                if (!revoked) return current;
                return towards(current.epoch(), current.assigned(), targetEpoch, target, ownedByOther);
            }
            case UNRELEASED_PARTITIONS -> {
                return towards(current.epoch(), current.assigned(), targetEpoch, target, ownedByOther);
            }
            default -> {
                if (current.epoch() == targetEpoch && current.assigned().equals(target)) return current;
                return towards(current.epoch(), current.assigned(), targetEpoch, target, ownedByOther);
            }
        }
    }

    private static Position towards(int epoch, Assignment assigned, int targetEpoch, Assignment target,
                                    BiPredicate<String, Integer> ownedByOther) {
        Assignment keep = assigned.intersect(target);
        Assignment revoke = assigned.minus(target);
        if (!revoke.isEmpty()) return new Position(epoch, MemberState.UNREVOKED_PARTITIONS, keep, revoke);
        Assignment free = target.minus(assigned).filter((topic, p) -> !ownedByOther.test(topic, p));
        Assignment next = keep.union(free);
        MemberState state = next.equals(target) ? MemberState.STABLE : MemberState.UNRELEASED_PARTITIONS;
        return new Position(targetEpoch, state, next, Assignment.EMPTY);
    }
}
