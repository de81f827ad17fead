package io.wharf.kafka.group;

import io.wharf.kafka.group.consumer.ConsumerGroup;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's classic group membership protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, and the
 * rebalances they drive. The assignors run in the clients: the coordinator picks the protocol every member
 * supports (by the members' preferences), hands the leader every member's metadata, and hands each member
 * exactly the assignment the leader sent for it.
 *
 * <p>A rebalance: a join (of a new member, of a member whose metadata changed, of the leader), a leave or an
 * expired session moves the group to PreparingRebalance; it waits until every member has rejoined or the
 * largest rebalance timeout passes (dynamic members that did not rejoin are dropped), then starts the next
 * generation in CompletingRebalance and answers every JoinGroup; the leader's SyncGroup makes it Stable.
 * The first rebalance of an empty group waits {@code group.initial.rebalance.delay.ms} for more members,
 * extended by each new joiner up to the rebalance timeout. Members that do not send SyncGroup within the
 * rebalance timeout are removed. A member whose session expires (no heartbeat, commit or sync for
 * {@code session.timeout.ms} while not waiting in a join or sync) is removed and the group rebalances.
 *
 * <p>KIP-394: a JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED and a new id to rejoin with.
 * KIP-345: a static member (group.instance.id) rejoining with an unknown member id replaces its old self;
 * in a Stable group whose protocol it does not change, without a rebalance. Requests with the old member id
 * then get FENCED_INSTANCE_ID.
 *
 * <p>Threading: every group is guarded by its own monitor; requests arrive on event loops and timers on the
 * broker's scheduler, and none of them waits for anything while holding it. Responses that must wait (a
 * JoinGroup until the rebalance completes, a follower's SyncGroup until the leader's) are futures completed
 * later, under the monitor.
 */
final class MembershipCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipCoordinator.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final ScheduledExecutorService scheduler;
    /** Serves classic members of consumer groups (online migration); set once the consumer coordinator exists. */
    private volatile ClassicMembersCoordinator classicMembers;

    /** A JoinGroup request, whatever its version. */
    record JoinRequest(String groupId, String memberId, String groupInstanceId, boolean requireKnownMemberId,
                       boolean supportSkippingAssignment, String clientId, String clientHost, int sessionTimeoutMs,
                       int rebalanceTimeoutMs, String protocolType, List<GroupMember.Protocol> protocols, String reason) {
        Set<String> protocolNames() {
            Set<String> names = new HashSet<>();
            protocols.forEach(p -> names.add(p.name()));
            return names;
        }
    }

    MembershipCoordinator(GroupRegistry registry, GroupConfig config, ScheduledExecutorService scheduler) {
        this.registry = registry;
        this.config = config;
        this.scheduler = scheduler;
    }

    void serveClassicMembersWith(ClassicMembersCoordinator coordinator) { this.classicMembers = coordinator; }

    /** The consumer group that holds {@code groupId} with members, if any: classic members' requests go there. */
    ConsumerGroup consumerGroupWithMembers(String groupId) {
        ConsumerGroup group = registry.consumerGroup(groupId);
        return group != null && classicMembers != null ? group : null;
    }

    ClassicMembersCoordinator classicMembers() { return classicMembers; }

    // ---- JoinGroup ------------------------------------------------------------------------------------

    CompletableFuture<JoinResult> join(JoinRequest r) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return done(JoinResult.error(r.memberId(), unavailable));
        if (r.groupId() == null || r.groupId().isEmpty()) return done(JoinResult.error(r.memberId(), Errors.INVALID_GROUP_ID));
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs() || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return done(JoinResult.error(r.memberId(), Errors.INVALID_SESSION_TIMEOUT));
        }
        boolean unknownMember = r.memberId().isEmpty();
        // A group is created by a member without an id; a member id for an unknown group is stale.
        ClassicGroup group = unknownMember ? registry.getOrCreate(r.groupId()) : registry.get(r.groupId());
        if (group == null) {
            // A consumer group (KIP-848) holds the id: this member joins it as a classic member.
            ConsumerGroup consumerGroup = consumerGroupWithMembers(r.groupId());
            if (consumerGroup != null) return done(classicMembers.join(consumerGroup, r));
        }
        if (group == null && unknownMember) return done(JoinResult.error(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL));
        if (group == null) return done(JoinResult.error(r.memberId(), Errors.UNKNOWN_MEMBER_ID));
        CompletableFuture<JoinResult> response = new CompletableFuture<>();
        synchronized (group) {
            if (!acceptsJoiningMember(group, r.memberId())) {
                response.complete(JoinResult.error("", Errors.GROUP_MAX_SIZE_REACHED));
            } else if (unknownMember) {
                newMemberJoin(group, r, response);
            } else {
                currentMemberJoin(group, r, response);
            }
            if (group.is(GroupState.PREPARING_REBALANCE)) tryCompleteJoin(group);
        }
        return response;
    }

    /** {@code group.max.size}: members already in the group may always rejoin. */
    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.has(memberId) && group.get(memberId).isAwaitingJoin())
                || group.numAwaitingJoin() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.has(memberId) || group.size() < config.maxSize();
        };
    }

    private void newMemberJoin(ClassicGroup group, JoinRequest r, CompletableFuture<JoinResult> response) {
        if (group.is(GroupState.DEAD)) {
            response.complete(JoinResult.error("", Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(r.protocolType(), r.protocolNames())) {
            response.complete(JoinResult.error("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String prefix = r.groupInstanceId() != null ? r.groupInstanceId() : r.clientId();
        String newId = prefix + "-" + UUID.randomUUID();
        if (r.groupInstanceId() != null) {
            String oldId = group.staticMemberId(r.groupInstanceId()).orElse(null);
            if (oldId != null) {
                replaceStaticMember(group, oldId, newId, r, response);
            } else {
                addMemberAndRebalance(group, newId, r, response);
            }
        } else if (r.requireKnownMemberId()) {
            group.pendingMembers.put(newId, scheduler.schedule(() -> expirePendingMember(group, newId),
                r.sessionTimeoutMs(), TimeUnit.MILLISECONDS));
            response.complete(JoinResult.error(newId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, newId, r, response);
        }
    }

    private void currentMemberJoin(ClassicGroup group, JoinRequest r, CompletableFuture<JoinResult> response) {
        String memberId = r.memberId();
        if (group.is(GroupState.DEAD)) {
            response.complete(JoinResult.error(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(r.protocolType(), r.protocolNames())) {
            response.complete(JoinResult.error(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.isPendingMember(memberId)) {
            if (r.groupInstanceId() != null) {
                // Pending ids are only handed to dynamic members.
                response.complete(JoinResult.error(memberId, Errors.INVALID_REQUEST));
                return;
            }
            addMemberAndRebalance(group, memberId, r, response);
            return;
        }
        Errors invalid = validateCurrentMember(group, memberId, r.groupInstanceId());
        if (invalid != null) {
            response.complete(JoinResult.error(memberId, invalid));
            return;
        }
        GroupMember member = group.get(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, r, response);
            case COMPLETING_REBALANCE -> {
                if (member.matches(r.protocols())) {
                    // A repeated join (its first response was lost): the current generation again.
                    response.complete(currentGeneration(group, memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, r, response);
                }
            }
            case STABLE -> {
                // The leader's rejoin always rebalances: it may have seen a metadata change the others have not.
                if (group.isLeader(memberId) || !member.matches(r.protocols())) {
                    updateMemberAndRebalance(group, member, r, response);
                } else {
                    response.complete(currentGeneration(group, memberId, false));
                }
            }
            case EMPTY, DEAD -> response.complete(JoinResult.error(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private static JoinResult currentGeneration(ClassicGroup group, String memberId, boolean withMembers) {
        return new JoinResult(Errors.NONE, memberId, group.generationId(), group.protocolType(), group.protocolName(),
            group.leaderId(), false, withMembers ? group.memberMetadata() : List.of());
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest r,
                                       CompletableFuture<JoinResult> response) {
        GroupMember member = new GroupMember(memberId, r.groupInstanceId(), r.clientId(), r.clientHost(),
            r.sessionTimeoutMs(), r.rebalanceTimeoutMs(), r.protocolType(), r.protocols());
        if (group.is(GroupState.PREPARING_REBALANCE) && group.generationId() == 0) group.newMemberAdded = true;
        group.add(member);
        awaitJoin(member, response);
        scheduleExpiry(group, member, member.sessionTimeoutMs);
        LOG.info("Member {} joins group {} ({}); reason: {}", member, group.groupId, group.state().kafkaName(), r.reason());
        maybePrepareRebalance(group, "new member " + memberId);
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest r,
                                          CompletableFuture<JoinResult> response) {
        member.protocols(r.protocols());
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        awaitJoin(member, response);
        maybePrepareRebalance(group, "member " + member.memberId() + " rejoined; reason: " + r.reason());
    }

    private static void awaitJoin(GroupMember member, CompletableFuture<JoinResult> response) {
        // A second JoinGroup of the same member supersedes the first; its connection must still get an answer.
        member.completeJoin(JoinResult.error(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        member.awaitingJoin = response;
        member.heartbeat();
    }

    /**
     * A new instance of a static member: it takes over the old member's place (and assignment) under a new
     * member id; the old id is fenced. Only a change of the group's protocol makes a Stable group rebalance.
     */
    private void replaceStaticMember(ClassicGroup group, String oldId, String newId, JoinRequest r,
                                     CompletableFuture<JoinResult> response) {
        String leaderBefore = group.leaderId();
        GroupMember old = group.get(oldId);
        old.completeJoin(JoinResult.error(oldId, Errors.FENCED_INSTANCE_ID));
        old.completeSync(SyncResult.error(Errors.FENCED_INSTANCE_ID));
        GroupMember member = group.replaceStaticMember(r.groupInstanceId(), oldId, newId);
        member.protocols(r.protocols());
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.awaitingJoin = response;
        member.heartbeat();
        LOG.info("Static member {} of group {} rejoined as {} (was {}) in state {}", r.groupInstanceId(), group.groupId,
            newId, oldId, group.state().kafkaName());
        switch (group.state()) {
            case STABLE -> {
                if (group.selectProtocol().equals(group.protocolName())) {
                    boolean leader = group.isLeader(newId);
                    JoinResult result = r.supportSkippingAssignment()
                        // v9+: the leader learns it leads, but must not run the assignor (KIP-814).
                        ? new JoinResult(Errors.NONE, newId, group.generationId(), group.protocolType(), group.protocolName(),
                            group.leaderId(), leader, leader ? group.memberMetadata() : List.of())
                        // Before v9: name the old leader id, so that the member does not think it must assign.
                        : new JoinResult(Errors.NONE, newId, group.generationId(), group.protocolType(), group.protocolName(),
                            leaderBefore, false, List.of());
                    member.completeJoin(result);
                } else {
                    prepareRebalance(group, "static member " + r.groupInstanceId() + " changed the group's protocol");
                }
            }
            // The leader may be assigning with the old member id: start over.
            case COMPLETING_REBALANCE -> prepareRebalance(group, "static member " + r.groupInstanceId() + " rejoined");
            case PREPARING_REBALANCE -> { } // it is counted as rejoined
            case EMPTY, DEAD -> throw new IllegalStateException("Static member " + oldId + " in group " + group);
        }
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        synchronized (group) {
            if (group.pendingMembers.remove(memberId) != null && group.is(GroupState.PREPARING_REBALANCE)) {
                tryCompleteJoin(group);
            }
        }
    }

    // ---- Rebalance ------------------------------------------------------------------------------------

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.EMPTY)) {
            prepareRebalance(group, reason);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // Members waiting for the leader's assignment must rejoin instead.
            for (GroupMember m : group.members()) {
                m.assignment = new byte[0];
                m.completeSync(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
            }
        }
        cancel(group.syncTimer);
        group.clearPendingSync();
        cancel(group.joinTimer);
        group.joinToken = null;
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        LOG.info("Preparing to rebalance group {} (generation {}, {} member(s)): {}", group.groupId, group.generationId(),
            group.size(), reason);
        if (initial) {
            group.initialDelay = true;
            group.newMemberAdded = false;
            group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - config.initialRebalanceDelayMs(), 0);
            scheduleInitialDelay(group, config.initialRebalanceDelayMs());
        } else {
            group.initialDelay = false;
            scheduleJoinTimeout(group);
            tryCompleteJoin(group);
        }
    }

    /** Kafka's InitialDelayedJoin: each new joiner during the delay extends it, up to the rebalance timeout. */
    private void scheduleInitialDelay(ClassicGroup group, long delayMs) {
        Object token = new Object();
        group.joinToken = token;
        group.joinTimer = scheduler.schedule(() -> {
            synchronized (group) {
                if (group.joinToken != token || !group.is(GroupState.PREPARING_REBALANCE)) return;
                if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
                    group.newMemberAdded = false;
                    long next = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
                    group.initialDelayRemainingMs = Math.max(group.initialDelayRemainingMs - config.initialRebalanceDelayMs(), 0);
                    scheduleInitialDelay(group, next);
                } else {
                    completeJoin(group);
                }
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void scheduleJoinTimeout(ClassicGroup group) {
        Object token = new Object();
        group.joinToken = token;
        group.joinTimer = scheduler.schedule(() -> {
            synchronized (group) {
                if (group.joinToken == token && group.is(GroupState.PREPARING_REBALANCE)) completeJoin(group);
            }
        }, group.rebalanceTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelay && group.hasAllMembersJoined()) completeJoin(group);
    }

    /** Ends the join phase: drops who did not rejoin, starts the next generation and answers every JoinGroup. */
    private void completeJoin(ClassicGroup group) {
        cancel(group.joinTimer);
        group.joinToken = null;
        group.initialDelay = false;
        for (GroupMember m : group.notYetRejoined()) {
            if (m.isStatic()) continue; // a static member keeps its place until its session expires
            LOG.info("Removing member {} from group {}: it did not rejoin within the rebalance timeout", m, group.groupId);
            removeQuietly(group, m);
        }
        if (group.is(GroupState.DEAD)) return;
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            // Only static members that did not rejoin are left: wait for them or for their sessions to expire.
            LOG.warn("Group {} could not complete its rebalance: no member rejoined", group.groupId);
            scheduleJoinTimeout(group);
            return;
        }
        group.initNextGeneration();
        if (group.is(GroupState.EMPTY)) {
            LOG.info("Group {} is now empty (generation {})", group.groupId, group.generationId());
            return;
        }
        LOG.info("Group {} starts generation {} with {} member(s), protocol {}, leader {}", group.groupId,
            group.generationId(), group.size(), group.protocolName(), group.leaderId());
        for (GroupMember m : List.copyOf(group.members())) {
            boolean leader = group.isLeader(m.memberId());
            m.completeJoin(currentGeneration(group, m.memberId(), leader));
            m.heartbeat();
            group.addPendingSync(m.memberId());
        }
        schedulePendingSync(group);
    }

    /** Members that joined a generation but send no SyncGroup within the rebalance timeout are removed. */
    private void schedulePendingSync(ClassicGroup group) {
        int generation = group.generationId();
        group.syncTimer = scheduler.schedule(() -> {
            synchronized (group) {
                if (group.generationId() != generation
                    || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))) {
                    return;
                }
                Set<String> missing = group.pendingSync();
                if (missing.isEmpty()) return;
                for (String id : missing) {
                    GroupMember m = group.get(id);
                    if (m != null) removeQuietly(group, m);
                }
                prepareRebalance(group, "members " + missing + " sent no SyncGroup within the rebalance timeout");
            }
        }, group.rebalanceTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts serving {@code group}, which has just taken over the members of a consumer group (the online
     * downgrade): their sessions run from now, and the group rebalances so that they rejoin. Holds the group's monitor.
     */
    void adopt(ClassicGroup group, String reason) {
        for (GroupMember m : group.members()) {
            m.heartbeat();
            scheduleExpiry(group, m, m.sessionTimeoutMs);
        }
        prepareRebalance(group, reason);
    }

    // ---- Sessions -------------------------------------------------------------------------------------

    /** One self-rescheduling check per member; heartbeats only move {@link GroupMember#lastHeartbeatNanos}. */
    private void scheduleExpiry(ClassicGroup group, GroupMember member, long delayMs) {
        member.expiry = scheduler.schedule(() -> checkExpiry(group, member), Math.max(delayMs, 1), TimeUnit.MILLISECONDS);
    }

    private void checkExpiry(ClassicGroup group, GroupMember member) {
        synchronized (group) {
            if (group.is(GroupState.DEAD) || group.get(member.memberId()) != member) return;
            if (member.isAwaitingJoin() || member.isAwaitingSync()) {
                // Bounded by the rebalance timeout instead.
                scheduleExpiry(group, member, member.sessionTimeoutMs);
                return;
            }
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - member.lastHeartbeatNanos);
            if (idleMs < member.sessionTimeoutMs) {
                scheduleExpiry(group, member, member.sessionTimeoutMs - idleMs);
                return;
            }
            LOG.info("Member {} of group {} has failed: no heartbeat for {} ms (session timeout {} ms)", member,
                group.groupId, idleMs, member.sessionTimeoutMs);
            removeMemberAndUpdateGroup(group, member, "member " + member.memberId() + " session expired");
        }
    }

    /** Removes a member (answering anything it waits for) and lets the group react. */
    void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember member, String reason) {
        removeQuietly(group, member);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalance(group, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            case EMPTY, DEAD -> { }
        }
    }

    private static void removeQuietly(ClassicGroup group, GroupMember member) {
        member.completeJoin(JoinResult.error("", Errors.UNKNOWN_MEMBER_ID));
        member.completeSync(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
        group.remove(member.memberId());
    }

    /**
     * Checks that {@code memberId} is a member, and that a static instance id still maps to it (else the
     * request comes from a fenced, older instance). Null when valid.
     */
    static Errors validateCurrentMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = group.staticMemberId(groupInstanceId).orElse(null);
            if (current == null) return Errors.UNKNOWN_MEMBER_ID;
            if (!current.equals(memberId)) return Errors.FENCED_INSTANCE_ID;
        }
        return group.has(memberId) ? null : Errors.UNKNOWN_MEMBER_ID;
    }

    private static void cancel(java.util.concurrent.ScheduledFuture<?> timer) {
        if (timer != null) timer.cancel(false);
    }

    static <T> CompletableFuture<T> done(T value) { return CompletableFuture.completedFuture(value); }
}
