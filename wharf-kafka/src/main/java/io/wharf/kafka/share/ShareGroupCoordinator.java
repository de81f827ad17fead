package io.wharf.kafka.share;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.share.SharePartition;
import io.wharf.broker.share.SharePartitions;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share group membership (KIP-932): ShareGroupHeartbeat and ShareGroupDescribe. Every member is assigned
 * every partition of the topics it subscribes to — one broker leads them all, and each share partition hands
 * a record to one member at a time, so spreading partitions would only leave members idle. The member's
 * epoch follows the group's whenever its assignment changes (a topic created or grown, a subscription
 * changed). A member that leaves, or sends no heartbeat within {@code group.share.session.timeout.ms}, is
 * removed: the records it holds are released to the others, and its share session is closed.
 *
 * <p>A group id belongs to one kind of group: an id in use by a classic or consumer group gets
 * GROUP_ID_NOT_FOUND ("not a share group"), as in Kafka. Membership is not persisted (members rejoin after a
 * restart); the share partitions' delivery state is, and a group that has such state exists (Empty) after a
 * restart until it is deleted.
 *
 * <p>Threading: each group is guarded by its own monitor, taken by heartbeats and by the session timers.
 */
final class ShareGroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupCoordinator.class);
    private static final int LEAVE_EPOCH = -1;

    private final ShareGroupConfig config;
    private final GroupConfigs groupConfigs;
    private final TopicManager topics;
    private final SharePartitions partitions;
    private final ScheduledExecutorService scheduler;
    private final ShareSessions sessions;
    private final Predicate<String> otherGroupExists;
    private final Map<String, ShareGroup> groups = new ConcurrentHashMap<>();
    private final AtomicLong nextOwnerId = new AtomicLong(1);

    /** A ShareGroupHeartbeat; nullable fields did not change. */
    record Heartbeat(String groupId, String memberId, int memberEpoch, String rackId, List<String> subscribedTopicNames,
                     String clientId, String clientHost) {
    }

    /** A heartbeat's answer; {@code assignment} null when it need not be (re)sent. */
    record HeartbeatResult(Errors error, String message, String memberId, int memberEpoch, int heartbeatIntervalMs,
                           Map<String, Set<Integer>> assignment) {
        static HeartbeatResult error(Errors error, String message) {
            return new HeartbeatResult(error, message, null, 0, 0, null);
        }
    }

    /** One member as ShareGroupDescribe shows it. */
    record MemberView(String memberId, String rackId, int memberEpoch, String clientId, String clientHost,
                      List<String> subscribedTopicNames, Map<String, Set<Integer>> assignment) {
    }

    /** A group as ShareGroupDescribe shows it. */
    record GroupView(Errors error, String message, String groupId, String state, int groupEpoch,
                     List<MemberView> members) {
    }

    /**
     * @param otherGroupExists whether a classic or consumer group uses an id
     */
    ShareGroupCoordinator(ShareGroupConfig config, GroupConfigs groupConfigs, TopicManager topics, SharePartitions partitions,
                          ScheduledExecutorService scheduler, ShareSessions sessions, Predicate<String> otherGroupExists) {
        this.config = config;
        this.groupConfigs = groupConfigs;
        this.topics = topics;
        this.partitions = partitions;
        this.scheduler = scheduler;
        this.sessions = sessions;
        this.otherGroupExists = otherGroupExists;
    }

    HeartbeatResult heartbeat(Heartbeat r) {
        if (r.groupId() == null || r.groupId().isEmpty()) return HeartbeatResult.error(Errors.INVALID_REQUEST, "GroupId can't be empty.");
        if (r.memberId() == null || r.memberId().isEmpty()) return HeartbeatResult.error(Errors.INVALID_REQUEST, "MemberId can't be empty.");
        if (r.memberEpoch() < LEAVE_EPOCH) return HeartbeatResult.error(Errors.INVALID_REQUEST, "MemberEpoch is invalid.");
        if (r.memberEpoch() == 0 && r.subscribedTopicNames() == null) {
            return HeartbeatResult.error(Errors.INVALID_REQUEST, "SubscribedTopicNames must be set in first request.");
        }
        if (otherGroupExists.test(r.groupId())) {
            return HeartbeatResult.error(Errors.GROUP_ID_NOT_FOUND, "Group " + r.groupId() + " is not a share group.");
        }
        if (r.memberEpoch() == LEAVE_EPOCH) return leave(r);
        ShareGroup group = r.memberEpoch() == 0 ? groups.computeIfAbsent(r.groupId(), ShareGroup::new) : groups.get(r.groupId());
        if (group == null) return unknownMember(r);
        synchronized (group) {
            if (groups.get(r.groupId()) != group) return HeartbeatResult.error(Errors.COORDINATOR_NOT_AVAILABLE, null);
            ShareMember member = group.member(r.memberId());
            boolean changed = false;
            if (r.memberEpoch() == 0) {
                if (member == null) {
                    if (group.size() >= config.maxSize()) {
                        return HeartbeatResult.error(Errors.GROUP_MAX_SIZE_REACHED, "Group " + r.groupId()
                            + " already has the most members allowed (" + config.maxSize() + ").");
                    }
                    member = new ShareMember(r.memberId(), nextOwnerId.getAndIncrement());
                    group.add(member);
                    changed = true;
                    LOG.info("Member {} joined share group {}", r.memberId(), r.groupId());
                }
            } else {
                if (member == null) return unknownMember(r);
                if (r.memberEpoch() != member.epoch) {
                    return HeartbeatResult.error(Errors.FENCED_MEMBER_EPOCH, "The member epoch " + r.memberEpoch()
                        + " of member " + r.memberId() + " is fenced; the current epoch is " + member.epoch + ".");
                }
            }
            member.clientId = r.clientId();
            member.clientHost = r.clientHost();
            if (r.rackId() != null) member.rackId = r.rackId();
            if (r.subscribedTopicNames() != null && !new TreeSet<>(r.subscribedTopicNames()).equals(new TreeSet<>(member.subscribedTopicNames))) {
                member.subscribedTopicNames = List.copyOf(new TreeSet<>(r.subscribedTopicNames()));
                changed = true;
            }
            if (changed) group.bumpEpoch();
            Map<String, Set<Integer>> target = assignmentOf(member);
            boolean send = r.memberEpoch() == 0;
            if (!target.equals(member.assignment)) {
                member.assignment = target;
                if (member.epoch >= group.epoch()) group.bumpEpoch();
                member.epoch = group.epoch();
                send = true;
            } else if (r.memberEpoch() == 0) {
                member.epoch = Math.max(member.epoch, group.epoch());
            }
            resetSessionTimer(group, member);
            return new HeartbeatResult(Errors.NONE, null, member.memberId, member.epoch,
                groupConfigs.of(group.groupId).shareHeartbeatIntervalMs(),
                send ? member.assignment : null);
        }
    }

    /** The partitions of the existing topics {@code member} subscribes to. */
    private Map<String, Set<Integer>> assignmentOf(ShareMember member) {
        Map<String, Set<Integer>> assignment = new TreeMap<>();
        for (String topic : member.subscribedTopicNames) {
            Optional<TopicMetadata> metadata = topics.topic(topic);
            if (metadata.isEmpty() || metadata.get().partitionCount() == 0) continue;
            Set<Integer> ps = new TreeSet<>();
            for (int p = 0; p < metadata.get().partitionCount(); p++) ps.add(p);
            assignment.put(topic, Set.copyOf(ps));
        }
        return Map.copyOf(assignment);
    }

    private static HeartbeatResult unknownMember(Heartbeat r) {
        return HeartbeatResult.error(Errors.UNKNOWN_MEMBER_ID, "Member " + r.memberId() + " is not a member of share group "
            + r.groupId() + ".");
    }

    private HeartbeatResult leave(Heartbeat r) {
        ShareGroup group = groups.get(r.groupId());
        if (group == null) return unknownMember(r);
        synchronized (group) {
            ShareMember member = group.member(r.memberId());
            if (member == null) return unknownMember(r);
            remove(group, member, "it left the group");
            return new HeartbeatResult(Errors.NONE, null, r.memberId(), LEAVE_EPOCH, 0, null);
        }
    }

    private void resetSessionTimer(ShareGroup group, ShareMember member) {
        if (member.sessionTimer != null) member.sessionTimer.cancel(false);
        member.sessionTimer = scheduler.schedule(() -> {
            synchronized (group) {
                if (group.member(member.memberId) == member) remove(group, member, "its session timed out");
            }
        }, groupConfigs.of(group.groupId).shareSessionTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Removes a member, releases what it holds and closes its share session. Holds the group's monitor. */
    private void remove(ShareGroup group, ShareMember member, String reason) {
        if (member.sessionTimer != null) member.sessionTimer.cancel(false);
        group.remove(member);
        group.bumpEpoch();
        sessions.close(group.groupId, member.memberId);
        int released = 0;
        for (Map.Entry<SharePartitions.Key, SharePartition> e : partitions.ofGroup(group.groupId)) {
            released += e.getValue().releaseAll(member.ownerId);
        }
        LOG.info("Removed member {} from share group {} ({}); released {} record(s)", member.memberId, group.groupId,
            reason, released);
    }

    /** The owner id of a current member, or -1 if {@code memberId} is not a member of {@code groupId}. */
    long ownerOf(String groupId, String memberId) {
        ShareGroup group = groups.get(groupId);
        if (group == null) return -1;
        synchronized (group) {
            ShareMember member = group.member(memberId);
            return member == null ? -1 : member.ownerId;
        }
    }

    /**
     * Runs {@code change} on the share-partition state of {@code groupId} while the group has no members,
     * holding the group's monitor so that none joins meanwhile (Kafka's AlterShareGroupOffsets and
     * DeleteShareGroupOffsets). Returns NON_EMPTY_GROUP if it has members, GROUP_ID_NOT_FOUND if another
     * kind of group uses the id or ({@code create} false) the group does not exist; NONE once changed.
     */
    Errors whileEmpty(String groupId, boolean create, Runnable change) {
        if (otherGroupExists.test(groupId)) return Errors.GROUP_ID_NOT_FOUND;
        if (!create && !exists(groupId)) return Errors.GROUP_ID_NOT_FOUND;
        ShareGroup group = groups.computeIfAbsent(groupId, ShareGroup::new);
        synchronized (group) {
            if (groups.get(groupId) != group) return Errors.COORDINATOR_NOT_AVAILABLE;
            if (group.size() > 0) return Errors.NON_EMPTY_GROUP;
            change.run();
            return Errors.NONE;
        }
    }

    /** Whether {@code groupId} is a share group this broker knows: it has members, or share-partition state. */
    boolean exists(String groupId) { return groups.containsKey(groupId) || partitions.groups().contains(groupId); }

    GroupView describe(String groupId) {
        if (groupId == null || groupId.isEmpty()) return notDescribed(groupId, Errors.INVALID_GROUP_ID, null);
        ShareGroup group = groups.get(groupId);
        if (group == null && partitions.groups().contains(groupId) && !otherGroupExists.test(groupId)) {
            return new GroupView(Errors.NONE, null, groupId, "Empty", 0, List.of());
        }
        if (group == null) {
            String message = otherGroupExists.test(groupId) ? "Group " + groupId + " is not a share group."
                : "Group " + groupId + " not found.";
            return notDescribed(groupId, Errors.GROUP_ID_NOT_FOUND, message);
        }
        synchronized (group) {
            List<MemberView> members = new ArrayList<>();
            for (ShareMember m : group.members()) {
                members.add(new MemberView(m.memberId, m.rackId, m.epoch, m.clientId, m.clientHost,
                    m.subscribedTopicNames, m.assignment));
            }
            return new GroupView(Errors.NONE, null, groupId, group.stateName(), group.epoch(), members);
        }
    }

    private static GroupView notDescribed(String groupId, Errors error, String message) {
        return new GroupView(error, message, groupId, "", 0, List.of());
    }

    /** Each share group with its state, for ListGroups. */
    Map<String, String> list() {
        Map<String, String> states = new TreeMap<>();
        for (String groupId : partitions.groups()) if (!otherGroupExists.test(groupId)) states.put(groupId, "Empty");
        for (ShareGroup group : groups.values()) {
            synchronized (group) {
                states.put(group.groupId, group.stateName());
            }
        }
        return states;
    }

    /**
     * Deletes an empty share group and its share partitions' state; null if {@code groupId} is not a share
     * group, NON_EMPTY_GROUP if it has members.
     */
    Errors delete(String groupId) {
        ShareGroup group = groups.get(groupId);
        if (group == null) {
            if (!partitions.groups().contains(groupId) || otherGroupExists.test(groupId)) return null;
            deleteState(groupId);
            return Errors.NONE;
        }
        synchronized (group) {
            if (group.size() > 0) return Errors.NON_EMPTY_GROUP;
            groups.remove(groupId, group);
            deleteState(groupId);
            return Errors.NONE;
        }
    }

    private void deleteState(String groupId) {
        List<SharePartitions.Key> keys = partitions.keysOf(groupId);
        for (SharePartitions.Key key : keys) partitions.delete(key);
        LOG.info("Deleted share group {} and the state of its {} share partition(s)", groupId, keys.size());
    }
}
