package io.wharf.kafka.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * One classic group's membership: its state, generation, protocol type and chosen protocol, leader,
 * members (in join order), static members by instance id, members that were given an id but have not
 * joined with it yet (KIP-394), and members that joined the current generation but have not sent SyncGroup.
 *
 * <p>This class keeps the bookkeeping consistent; the {@link MembershipCoordinator} decides the transitions.
 *
 * <p>Thread-safety: not thread-safe; every access holds the group's monitor ({@code synchronized (group)}).
 */
final class ClassicGroup {
    final String groupId;
    private GroupState state = GroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, each with its expiry. */
    final Map<String, ScheduledFuture<?>> pendingMembers = new HashMap<>();
    private final Set<String> pendingSync = new HashSet<>();

    /** The scheduled completion of the current JoinGroup phase, if any. */
    ScheduledFuture<?> joinTimer;
    /** Identifies the join timer that may still act; a timer that finds another token was superseded. */
    Object joinToken;
    /** The scheduled check that every member of the current generation sent SyncGroup. */
    ScheduledFuture<?> syncTimer;
    /** While the first rebalance of an empty group waits {@code group.initial.rebalance.delay.ms}. */
    boolean initialDelay;
    /** A member joined during the initial delay, which extends it (Kafka's InitialDelayedJoin). */
    boolean newMemberAdded;
    long initialDelayRemainingMs;
    /**
     * When the group last became Empty (wall-clock ms), or -1 when unknown (a group known only from the
     * offsets loaded at start-up): its offsets then expire one by one, by commit time.
     */
    private long emptySinceMs;

    ClassicGroup(String groupId, long emptySinceMs) {
        this.groupId = groupId;
        this.emptySinceMs = emptySinceMs;
    }

    GroupState state() { return state; }

    boolean is(GroupState s) { return state == s; }

    void transitionTo(GroupState next) {
        if (next == GroupState.EMPTY && state != GroupState.EMPTY) emptySinceMs = System.currentTimeMillis();
        state = next;
    }

    long emptySinceMs() { return emptySinceMs; }

    int generationId() { return generationId; }

    String protocolType() { return protocolType; }

    String protocolName() { return protocolName; }

    String leaderId() { return leaderId; }

    boolean isLeader(String memberId) { return memberId.equals(leaderId); }

    boolean has(String memberId) { return members.containsKey(memberId); }

    GroupMember get(String memberId) { return members.get(memberId); }

    Collection<GroupMember> members() { return members.values(); }

    int size() { return members.size(); }

    Optional<String> staticMemberId(String groupInstanceId) {
        return Optional.ofNullable(staticMembers.get(groupInstanceId));
    }

    boolean isPendingMember(String memberId) { return pendingMembers.containsKey(memberId); }

    void add(GroupMember member) {
        if (members.isEmpty()) protocolType = member.protocolType;
        members.put(member.memberId(), member);
        if (member.isStatic()) staticMembers.put(member.groupInstanceId, member.memberId());
        if (leaderId == null) leaderId = member.memberId();
        ScheduledFuture<?> pending = pendingMembers.remove(member.memberId());
        if (pending != null) pending.cancel(false);
    }

    void remove(String memberId) {
        GroupMember member = members.remove(memberId);
        if (member == null) return;
        if (member.isStatic()) staticMembers.remove(member.groupInstanceId, memberId);
        if (member.expiry != null) member.expiry.cancel(false);
        pendingSync.remove(memberId);
        if (memberId.equals(leaderId)) leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
    }

    /** Gives the static member of {@code groupInstanceId} a new member id (a new instance replaced it). */
    GroupMember replaceStaticMember(String groupInstanceId, String oldId, String newId) {
        GroupMember member = members.remove(oldId);
        if (member == null) throw new IllegalStateException("No member " + oldId + " for instance " + groupInstanceId);
        member.memberId(newId);
        members.put(newId, member);
        staticMembers.put(groupInstanceId, newId);
        if (oldId.equals(leaderId)) leaderId = newId;
        if (pendingSync.remove(oldId)) pendingSync.add(newId);
        return member;
    }

    int numAwaitingJoin() {
        int n = 0;
        for (GroupMember m : members.values()) if (m.isAwaitingJoin()) n++;
        return n;
    }

    boolean hasAllMembersJoined() {
        return members.size() == numAwaitingJoin() && pendingMembers.isEmpty();
    }

    /** The largest rebalance timeout of the members: how long a rebalance waits for them to rejoin. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
        return max;
    }

    /** Members that have not rejoined during this rebalance. */
    List<GroupMember> notYetRejoined() {
        List<GroupMember> list = new ArrayList<>();
        for (GroupMember m : members.values()) if (!m.isAwaitingJoin()) list.add(m);
        return list;
    }

    /** Makes a member that rejoined the leader if the leader did not rejoin; false if nobody rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) return false;
        GroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) return true;
        for (GroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a member with this protocol type and these protocols may join: into an empty group anything
     * with a type and at least one protocol, otherwise the group's type and a protocol every member supports.
     */
    boolean supportsProtocols(String memberProtocolType, Set<String> memberProtocols) {
        if (is(GroupState.EMPTY)) return !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        if (!memberProtocolType.equals(protocolType)) return false;
        for (String p : candidateProtocols()) if (memberProtocols.contains(p)) return true;
        return false;
    }

    /** The protocols every member supports, in the first member's order of preference. */
    Set<String> candidateProtocols() {
        Set<String> candidates = new LinkedHashSet<>();
        boolean first = true;
        for (GroupMember m : members.values()) {
            if (first) {
                m.protocols().forEach(p -> candidates.add(p.name()));
                first = false;
            } else {
                candidates.removeIf(name -> !m.supports(name));
            }
        }
        return candidates;
    }

    /**
     * The protocol for the next generation: each member votes for its most preferred candidate and the most
     * votes win; a tie goes to the candidate the first member prefers.
     */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        if (candidates.isEmpty()) throw new IllegalStateException("Group " + groupId + " has no common protocol");
        Map<String, Integer> votes = new HashMap<>();
        for (GroupMember m : members.values()) votes.merge(m.vote(candidates), 1, Integer::sum);
        String best = null;
        int bestVotes = -1;
        for (String c : candidates) {
            int v = votes.getOrDefault(c, 0);
            if (v > bestVotes) {
                best = c;
                bestVotes = v;
            }
        }
        return best;
    }

    /**
     * Takes over the members of a consumer group that moves back to the classic protocol: Stable at
     * {@code generationId} with the protocol they all support, each keeping the assignment it has. The
     * caller then makes the group rebalance, so that they rejoin as classic members.
     */
    void adopt(int generationId, List<GroupMember> adopted) {
        if (!members.isEmpty()) throw new IllegalStateException("Group " + groupId + " has members already");
        for (GroupMember m : adopted) add(m);
        this.generationId = generationId;
        protocolName = selectProtocol();
        transitionTo(GroupState.STABLE);
    }

    /** Starts the next generation: CompletingRebalance with the selected protocol, or Empty. */
    void initNextGeneration() {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            transitionTo(GroupState.EMPTY);
        } else {
            protocolName = selectProtocol();
            transitionTo(GroupState.COMPLETING_REBALANCE);
        }
        pendingSync.clear();
    }

    /** Every member with its metadata for the chosen protocol, as the leader's JoinGroup response lists them. */
    List<JoinResult.Member> memberMetadata() {
        List<JoinResult.Member> list = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            list.add(new JoinResult.Member(m.memberId(), m.groupInstanceId, m.metadata(protocolName)));
        }
        return list;
    }

    void addPendingSync(String memberId) { pendingSync.add(memberId); }

    void removePendingSync(String memberId) { pendingSync.remove(memberId); }

    Set<String> pendingSync() { return Set.copyOf(pendingSync); }

    void clearPendingSync() { pendingSync.clear(); }

    /**
     * Whether the members consume {@code topic}, from the subscriptions in their "consumer" protocol
     * metadata. When that cannot be known (another protocol type, no protocol chosen yet, metadata that does
     * not parse) the answer is yes, which keeps OffsetDelete from removing offsets in use.
     */
    boolean isSubscribedToTopic(String topic) {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocolName == null) return true;
        try {
            for (GroupMember m : members.values()) {
                byte[] metadata = m.metadata(protocolName);
                if (metadata.length == 0) return true;
                if (ConsumerProtocol.deserializeSubscription(java.nio.ByteBuffer.wrap(metadata)).topics().contains(topic)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "ClassicGroup(" + groupId + ", " + state.kafkaName() + ", generation " + generationId + ", "
            + members.size() + " member(s))";
    }
}
