package io.wharf.kafka.group.consumer;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One consumer group of the KIP-848 protocol: its members, the group epoch (bumped by every change of
 * membership, subscriptions or subscribed partitions), the target assignment and its epoch, and which member
 * owns each partition now (assigned or still revoking), so that none is handed out twice.
 *
 * <p>Thread-safety: not thread-safe; every access holds the group's monitor ({@code synchronized (group)}).
 */
public final class ConsumerGroup {
    public final String groupId;
    private int groupEpoch;
    private int assignmentEpoch;
    private String assignorName;
    private final Map<String, ConsumerGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private Map<String, Assignment> target = Map.of();
    /** topic → partition → owning member id. */
    private final Map<String, Map<Integer, String>> owners = new HashMap<>();
    /** The subscribed topics' partition counts that the target assignment was computed from. */
    private Map<String, Integer> subscribedPartitions = Map.of();
    private boolean dead;
    private long emptySinceMs;
    /** Member ids handed to classic members with MEMBER_ID_REQUIRED, not yet used to join. */
    private final Set<String> pendingClassicMembers = new HashSet<>();

    /**
     * @param groupEpoch   the epoch to start from: a group re-created under an id that was in use starts above
     *                     it, so that members of the old incarnation are fenced
     * @param emptySinceMs when the group became empty (wall-clock ms), -1 if unknown
     */
    public ConsumerGroup(String groupId, int groupEpoch, long emptySinceMs) {
        this.groupId = groupId;
        this.groupEpoch = groupEpoch;
        this.assignmentEpoch = groupEpoch;
        this.emptySinceMs = emptySinceMs;
    }

    public int groupEpoch() { return groupEpoch; }

    public void bumpEpoch() { groupEpoch++; }

    public int assignmentEpoch() { return assignmentEpoch; }

    public String assignorName() { return assignorName; }

    public ConsumerGroupMember member(String memberId) { return members.get(memberId); }

    public ConsumerGroupMember staticMember(String instanceId) {
        String memberId = instanceId == null ? null : staticMembers.get(instanceId);
        return memberId == null ? null : members.get(memberId);
    }

    public Collection<ConsumerGroupMember> members() { return members.values(); }

    public int size() { return members.size(); }

    public boolean isEmpty() { return members.isEmpty(); }

    /** Remembers an id handed to a classic member that must rejoin with it (KIP-394). */
    public void addPendingClassicMember(String memberId) { pendingClassicMembers.add(memberId); }

    /** Whether {@code memberId} was handed out and not used yet; it is used now. */
    public boolean removePendingClassicMember(String memberId) { return pendingClassicMembers.remove(memberId); }

    public void add(ConsumerGroupMember member) {
        members.put(member.memberId(), member);
        if (member.instanceId() != null) staticMembers.put(member.instanceId(), member.memberId());
        updateOwnership(member);
    }

    /** Removes a member and releases every partition it owned; the caller bumps the epoch. */
    public void remove(ConsumerGroupMember member) {
        if (members.remove(member.memberId()) == null) return;
        if (member.instanceId() != null) staticMembers.remove(member.instanceId(), member.memberId());
        releaseAll(member.memberId());
        if (members.isEmpty()) emptySinceMs = System.currentTimeMillis();
    }

    public Assignment targetOf(String memberId) { return target.getOrDefault(memberId, Assignment.EMPTY); }

    public void setTarget(int epoch, String assignor, Map<String, Assignment> assignment, Map<String, Integer> partitions) {
        this.assignmentEpoch = epoch;
        this.assignorName = assignor;
        this.target = Map.copyOf(assignment);
        this.subscribedPartitions = Map.copyOf(partitions);
    }

    public Map<String, Integer> subscribedPartitions() { return subscribedPartitions; }

    /** Whether a member other than {@code memberId} owns or is revoking the partition. */
    public boolean ownedByOther(String memberId, String topic, int partition) {
        String owner = owners.getOrDefault(topic, Map.of()).get(partition);
        return owner != null && !owner.equals(memberId);
    }

    /** Records the partitions {@code member} owns after it moved (assigned and pending revocation). */
    public void updateOwnership(ConsumerGroupMember member) {
        releaseAll(member.memberId());
        member.assigned().union(member.pendingRevocation()).byTopic().forEach((topic, ps) -> {
            Map<Integer, String> byPartition = owners.computeIfAbsent(topic, t -> new HashMap<>());
            for (int p : ps) byPartition.put(p, member.memberId());
        });
    }

    private void releaseAll(String memberId) {
        owners.values().forEach(byPartition -> byPartition.values().removeIf(memberId::equals));
        owners.values().removeIf(Map::isEmpty);
    }

    /** Whether some member subscribes to {@code topic} (its offsets then do not expire, and cannot be deleted). */
    public boolean isSubscribedTo(String topic) {
        for (ConsumerGroupMember m : members.values()) if (m.subscribesTo(topic)) return true;
        return false;
    }

    public boolean isDead() { return dead; }

    public void markDead() { dead = true; }

    public long emptySinceMs() { return emptySinceMs; }

    /** Kafka's name of the group's state: Empty, Assigning, Reconciling, Stable or Dead. */
    public String stateName() {
        if (dead) return "Dead";
        if (members.isEmpty()) return "Empty";
        if (assignmentEpoch < groupEpoch) return "Assigning";
        for (ConsumerGroupMember m : members.values()) {
            if (m.epoch() != assignmentEpoch || m.state() != MemberState.STABLE) return "Reconciling";
        }
        return "Stable";
    }

    @Override
    public String toString() {
        return "ConsumerGroup(" + groupId + ", epoch " + groupEpoch + ", " + members.size() + " member(s))";
    }
}
