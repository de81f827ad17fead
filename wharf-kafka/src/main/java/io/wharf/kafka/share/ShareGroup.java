package io.wharf.kafka.share;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A share group: its members and its epoch, bumped whenever membership or a subscription changes. Share
 * groups have no revocation step: a member is simply told its new partitions, since a share partition hands
 * each record to one member whoever else reads it.
 *
 * <p>Thread-safety: every access holds the group's monitor.
 */
final class ShareGroup {
    final String groupId;
    private int epoch;
    private final Map<String, ShareMember> members = new LinkedHashMap<>();

    ShareGroup(String groupId) {
        this.groupId = groupId;
    }

    int epoch() { return epoch; }

    void bumpEpoch() { epoch++; }

    ShareMember member(String memberId) { return members.get(memberId); }

    Collection<ShareMember> members() { return members.values(); }

    int size() { return members.size(); }

    void add(ShareMember member) { members.put(member.memberId, member); }

    void remove(ShareMember member) { members.remove(member.memberId, member); }

    /** Kafka's name of the state: Empty or Stable (share groups need no rebalance). */
    String stateName() { return members.isEmpty() ? "Empty" : "Stable"; }
}
