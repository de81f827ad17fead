package io.wharf.kafka.group;

import io.wharf.kafka.group.consumer.ConsumerGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of members already in a group: SyncGroup (the leader hands in the assignment, every member
 * collects its own), Heartbeat and LeaveGroup. Errors and their order of checks follow Kafka's coordinator:
 * a stale member id is UNKNOWN_MEMBER_ID, a fenced static instance FENCED_INSTANCE_ID, an old generation
 * ILLEGAL_GENERATION, and a group that is rebalancing answers REBALANCE_IN_PROGRESS so the member rejoins.
 *
 * <p>Threading: as {@link MembershipCoordinator}, whose rebalance mechanics this uses.
 */
final class MemberRequests {
    private static final Logger LOG = LoggerFactory.getLogger(MemberRequests.class);

    private final GroupRegistry registry;
    private final MembershipCoordinator membership;

    /** A SyncGroup request, whatever its version; the protocol type and name are null before v5. */
    record SyncRequest(String groupId, int generationId, String memberId, String groupInstanceId, String protocolType,
                       String protocolName, Map<String, byte[]> assignments) {
    }

    /** One member named in a LeaveGroup request, and the outcome for it. */
    record Leaving(String memberId, String groupInstanceId, Errors error) {
    }

    /** The outcome of a LeaveGroup: a request-level error and one outcome per member. */
    record LeaveResult(Errors error, List<Leaving> members) {
    }

    MemberRequests(GroupRegistry registry, MembershipCoordinator membership) {
        this.registry = registry;
        this.membership = membership;
    }

    CompletableFuture<SyncResult> sync(SyncRequest r) {
        Errors unavailable = registry.availability();
        if (unavailable == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            // The rebalance this belongs to was lost with the restart: rejoin (older clients do not know the
            // loading error here).
            return MembershipCoordinator.done(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
        }
        if (unavailable != Errors.NONE) return MembershipCoordinator.done(SyncResult.error(unavailable));
        if (r.groupId() == null || r.groupId().isEmpty()) return MembershipCoordinator.done(SyncResult.error(Errors.INVALID_GROUP_ID));
        ClassicGroup group = registry.get(r.groupId());
        if (group == null) {
            ConsumerGroup consumerGroup = membership.consumerGroupWithMembers(r.groupId());
            if (consumerGroup != null) return MembershipCoordinator.done(membership.classicMembers().sync(consumerGroup, r));
            return MembershipCoordinator.done(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncResult> response = new CompletableFuture<>();
        synchronized (group) {
            Errors invalid = validateSync(group, r);
            if (invalid != null) {
                response.complete(SyncResult.error(invalid));
                return response;
            }
            GroupMember member = group.get(r.memberId());
            switch (group.state()) {
                case EMPTY -> response.complete(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
                case PREPARING_REBALANCE -> response.complete(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
                case COMPLETING_REBALANCE -> {
                    member.completeSync(SyncResult.error(Errors.REBALANCE_IN_PROGRESS)); // a superseded duplicate
                    member.awaitingSync = response;
                    group.removePendingSync(member.memberId());
                    if (group.isLeader(member.memberId())) applyLeaderAssignment(group, r.assignments());
                }
                case STABLE -> {
                    group.removePendingSync(member.memberId());
                    member.heartbeat();
                    response.complete(new SyncResult(Errors.NONE, group.protocolType(), group.protocolName(), member.assignment));
                }
                case DEAD -> response.complete(SyncResult.error(Errors.COORDINATOR_NOT_AVAILABLE));
            }
        }
        return response;
    }

    private static Errors validateSync(ClassicGroup group, SyncRequest r) {
        if (group.is(GroupState.DEAD)) return Errors.COORDINATOR_NOT_AVAILABLE;
        Errors invalid = MembershipCoordinator.validateCurrentMember(group, r.memberId(), r.groupInstanceId());
        if (invalid != null) return invalid;
        if (r.generationId() != group.generationId()) return Errors.ILLEGAL_GENERATION;
        if (r.protocolType() != null && !r.protocolType().equals(group.protocolType())) return Errors.INCONSISTENT_GROUP_PROTOCOL;
        if (r.protocolName() != null && !r.protocolName().equals(group.protocolName())) return Errors.INCONSISTENT_GROUP_PROTOCOL;
        return null;
    }

    /**
     * The leader's assignment, handed to each member exactly as the leader encoded it (a member the leader
     * left out gets an empty one); every member already waiting gets its answer, and the group is Stable.
     */
    private static void applyLeaderAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        List<String> missing = new ArrayList<>();
        for (GroupMember m : group.members()) {
            byte[] assignment = assignments.get(m.memberId());
            if (assignment == null) missing.add(m.memberId());
            m.assignment = assignment == null ? new byte[0] : assignment;
        }
        if (!missing.isEmpty()) {
            LOG.warn("The leader of group {} generation {} assigned nothing to {}", group.groupId, group.generationId(), missing);
        }
        group.transitionTo(GroupState.STABLE);
        for (GroupMember m : group.members()) {
            if (m.completeSync(new SyncResult(Errors.NONE, group.protocolType(), group.protocolName(), m.assignment))) {
                m.heartbeat();
            }
        }
        LOG.info("Group {} is stable at generation {} with {} member(s)", group.groupId, group.generationId(), group.size());
    }

    Errors heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        Errors unavailable = registry.availability();
        if (unavailable == Errors.COORDINATOR_LOAD_IN_PROGRESS) return Errors.NONE; // as Kafka: answer blindly
        if (unavailable != Errors.NONE) return unavailable;
        if (groupId == null || groupId.isEmpty()) return Errors.INVALID_GROUP_ID;
        ClassicGroup group = registry.get(groupId);
        if (group == null) {
            ConsumerGroup consumerGroup = membership.consumerGroupWithMembers(groupId);
            if (consumerGroup != null) return membership.classicMembers().heartbeat(consumerGroup, memberId, groupInstanceId, generationId);
            return Errors.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) return Errors.COORDINATOR_NOT_AVAILABLE;
            Errors invalid = MembershipCoordinator.validateCurrentMember(group, memberId, groupInstanceId);
            if (invalid != null) return invalid;
            if (generationId != group.generationId()) return Errors.ILLEGAL_GENERATION;
            GroupMember member = group.get(memberId);
            return switch (group.state()) {
                case EMPTY -> Errors.UNKNOWN_MEMBER_ID;
                case COMPLETING_REBALANCE, STABLE -> {
                    member.heartbeat();
                    yield Errors.NONE;
                }
                case PREPARING_REBALANCE -> {
                    member.heartbeat();
                    yield Errors.REBALANCE_IN_PROGRESS;
                }
                case DEAD -> Errors.COORDINATOR_NOT_AVAILABLE;
            };
        }
    }

    /**
     * LeaveGroup: each member by member id, or (v3+, an administrator removing static members) by instance
     * id alone. A member leaving makes the group rebalance.
     */
    LeaveResult leave(String groupId, List<Leaving> leaving) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return new LeaveResult(unavailable, List.of());
        if (groupId == null || groupId.isEmpty()) return new LeaveResult(Errors.INVALID_GROUP_ID, List.of());
        ClassicGroup group = registry.get(groupId);
        List<Leaving> results = new ArrayList<>(leaving.size());
        ConsumerGroup consumerGroup = group == null ? membership.consumerGroupWithMembers(groupId) : null;
        if (consumerGroup != null) return new LeaveResult(Errors.NONE, membership.classicMembers().leave(consumerGroup, leaving));
        if (group == null) {
            for (Leaving l : leaving) results.add(withError(l, Errors.UNKNOWN_MEMBER_ID));
            return new LeaveResult(Errors.NONE, results);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
            for (Leaving l : leaving) results.add(withError(l, leaveOne(group, l)));
        }
        return new LeaveResult(Errors.NONE, results);
    }

    private Errors leaveOne(ClassicGroup group, Leaving l) {
        String memberId = l.memberId() == null ? "" : l.memberId();
        if (memberId.isEmpty()) {
            String current = l.groupInstanceId() == null ? null : group.staticMemberId(l.groupInstanceId()).orElse(null);
            if (current == null) return Errors.UNKNOWN_MEMBER_ID;
            remove(group, group.get(current));
            return Errors.NONE;
        }
        if (group.isPendingMember(memberId)) {
            group.pendingMembers.remove(memberId).cancel(false);
            membership.tryCompleteJoin(group);
            return Errors.NONE;
        }
        Errors invalid = MembershipCoordinator.validateCurrentMember(group, memberId, l.groupInstanceId());
        if (invalid != null) return invalid;
        remove(group, group.get(memberId));
        return Errors.NONE;
    }

    private void remove(ClassicGroup group, GroupMember member) {
        LOG.info("Member {} leaves group {}", member, group.groupId);
        membership.removeMemberAndUpdateGroup(group, member, "member " + member.memberId() + " left the group");
    }

    private static Leaving withError(Leaving l, Errors error) {
        return new Leaving(l.memberId(), l.groupInstanceId(), error);
    }
}
