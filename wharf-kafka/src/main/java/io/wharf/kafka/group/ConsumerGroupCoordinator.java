package io.wharf.kafka.group;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.group.consumer.Assignment;
import io.wharf.kafka.group.consumer.ConsumerAssignor;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import io.wharf.kafka.group.consumer.ConsumerGroupMember;
import io.wharf.kafka.group.consumer.MemberState;
import io.wharf.kafka.group.consumer.RangeAssignor;
import io.wharf.kafka.group.consumer.Reconciliation;
import io.wharf.kafka.group.consumer.UniformAssignor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group protocol of KIP-848 ({@code group.protocol=consumer}): ConsumerGroupHeartbeat and
 * ConsumerGroupDescribe. The coordinator, not a client, assigns the partitions ({@code uniform} or
 * {@code range}), and a rebalance is incremental: each member gives up only the partitions that move, and a
 * partition goes to its new owner only once the old one has released it ({@link Reconciliation}).
 *
 * <p>Each heartbeat: checks the member's epoch (a member that missed an epoch is fenced and rejoins);
 * applies the subscription it carries (topic names and a regular expression, re-evaluated against the
 * topics that exist on every heartbeat, so new matching topics and added partitions are picked up); bumps
 * the group epoch when membership, subscriptions, the subscribed partitions or the chosen assignor changed;
 * recomputes the target assignment when the group epoch moved past it; and moves the member one step
 * towards its target. A member is fenced (removed, its partitions released) when no heartbeat comes within
 * {@code group.consumer.session.timeout.ms}, or when it does not revoke within its rebalance timeout.
 *
 * <p>A static member ({@code group.instance.id}) that leaves with epoch -2 keeps its partitions until its
 * session times out; coming back with a new member id, it takes over its old self's assignment.
 *
 * <p>A group id is either a classic or a consumer group. An empty group of one kind becomes the other when a
 * member of the other protocol joins (the committed offsets stay). A classic group with members becomes a
 * consumer group when a member of this protocol joins, and back when the last one leaves
 * ({@link GroupMigration}, as {@code group.consumer.migration.policy} allows); meanwhile its classic members
 * are served by {@link ClassicMembersCoordinator}. Membership is not persisted: after a restart, members
 * rejoin.
 *
 * <p>Threading: every group is guarded by its own monitor, taken by heartbeats (event loops) and by the
 * timers (the broker's scheduler); nothing waits while holding it.
 */
final class ConsumerGroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupCoordinator.class);

    private final GroupRegistry registry;
    private final ConsumerGroupConfig config;
    private final GroupConfigs groupConfigs;
    private final TopicManager topics;
    private final ScheduledExecutorService scheduler;
    private final GroupMigration migration;
    private final Map<String, ConsumerAssignor> assignors = new LinkedHashMap<>();

    /** A ConsumerGroupHeartbeat, topic ids already resolved to names; nullable fields did not change. */
    record Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
                     int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex,
                     String serverAssignor, Assignment ownedPartitions, String clientId, String clientHost) {
    }

    /** A heartbeat's answer; {@code assignment} null when the member's assignment need not be (re)sent. */
    record HeartbeatResult(Errors error, String message, String memberId, int memberEpoch, int heartbeatIntervalMs,
                           Assignment assignment) {
        static HeartbeatResult error(Errors error, String message) {
            return new HeartbeatResult(error, message, null, 0, 0, null);
        }
    }

    /** One member as ConsumerGroupDescribe shows it. */
    record MemberView(String memberId, String instanceId, String rackId, int memberEpoch, String clientId,
                      String clientHost, List<String> subscribedTopicNames, String subscribedTopicRegex,
                      Assignment assignment, Assignment targetAssignment) {
    }

    /** A group as ConsumerGroupDescribe shows it. */
    record GroupView(Errors error, String message, String groupId, String state, int groupEpoch, int assignmentEpoch,
                     String assignorName, List<MemberView> members) {
    }

    ConsumerGroupCoordinator(GroupRegistry registry, ConsumerGroupConfig config, GroupConfigs groupConfigs,
                             TopicManager topics, ScheduledExecutorService scheduler, GroupMigration migration) {
        this.registry = registry;
        this.config = config;
        this.groupConfigs = groupConfigs;
        this.topics = topics;
        this.scheduler = scheduler;
        this.migration = migration;
        for (String name : config.assignors()) {
            ConsumerAssignor assignor = switch (name) {
                case UniformAssignor.NAME -> new UniformAssignor();
                case RangeAssignor.NAME -> new RangeAssignor();
                default -> throw new IllegalArgumentException("Unknown consumer group assignor '" + name
                    + "'; known: uniform, range");
            };
            assignors.put(name, assignor);
        }
    }

    // ---- ConsumerGroupHeartbeat ----------------------------------------------------------------------

    HeartbeatResult heartbeat(Heartbeat r) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return HeartbeatResult.error(unavailable, null);
        String invalid = invalidRequest(r);
        if (invalid != null) return HeartbeatResult.error(Errors.INVALID_REQUEST, invalid);
        if (r.serverAssignor() != null && !assignors.containsKey(r.serverAssignor())) {
            return HeartbeatResult.error(Errors.UNSUPPORTED_ASSIGNOR, "Assignor " + r.serverAssignor()
                + " is not supported; supported assignors: " + String.join(", ", assignors.keySet()) + ".");
        }
        Pattern regex = null;
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                regex = Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                return HeartbeatResult.error(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex "
                    + r.subscribedTopicRegex() + " is not a valid regular expression: " + e.getDescription() + ".");
            }
        }
        if (r.memberEpoch() < 0) return leave(r);

        ConsumerGroup group = r.memberEpoch() == 0 ? registry.getOrCreateConsumerGroup(r.groupId())
            : registry.consumerGroup(r.groupId());
        if (group == null && r.memberEpoch() == 0) {
            GroupMigration.Upgrade upgrade = migration.upgrade(r.groupId());
            if (upgrade.group() == null) return HeartbeatResult.error(upgrade.error(), upgrade.refusal());
            group = upgrade.group();
        }
        if (group == null) return unknownMember(r);
        synchronized (group) {
            if (group.isDead()) return HeartbeatResult.error(Errors.COORDINATOR_NOT_AVAILABLE, null);
            for (ConsumerGroupMember m : group.members()) {
                // Classic members that came with an upgrade: their sessions run from now.
                if (m.usesClassicProtocol() && m.sessionTimer == null) resetSessionTimer(group, m);
            }
            ConsumerGroupMember member;
            boolean changed = false;
            if (r.memberEpoch() == 0) {
                ConsumerGroupMember previous = group.staticMember(r.instanceId());
                if (previous != null && !previous.temporarilyLeft() && !previous.memberId().equals(r.memberId())) {
                    return HeartbeatResult.error(Errors.UNRELEASED_INSTANCE_ID, "Static member " + r.instanceId()
                        + " of group " + r.groupId() + " is still in the group as " + previous.memberId() + ".");
                }
                ConsumerGroupMember rejoining = group.member(r.memberId());
                if (rejoining != null && rejoining != previous) {
                    fence(group, rejoining, "rejoined with epoch 0");
                    previous = null;
                }
                if (previous == null && group.size() >= config.maxSize()) {
                    return HeartbeatResult.error(Errors.GROUP_MAX_SIZE_REACHED, "Group " + r.groupId()
                        + " already has the most members allowed (" + config.maxSize() + ").");
                }
                member = new ConsumerGroupMember(r.memberId(), r.instanceId());
                if (previous != null) {
                    // A static member back under a new member id: it is its old self, partitions and all.
                    member.inherit(previous);
                    cancelTimers(previous);
                    group.remove(previous);
                    LOG.info("Static member {} of group {} came back as {}", r.instanceId(), r.groupId(), r.memberId());
                } else {
                    changed = true;
                }
                group.add(member);
            } else {
                member = group.member(r.memberId());
                if (member == null) return unknownMember(r);
                if (!validEpoch(member, r.memberEpoch(), r.ownedPartitions())) {
                    return HeartbeatResult.error(Errors.FENCED_MEMBER_EPOCH, "The member epoch " + r.memberEpoch()
                        + " of member " + r.memberId() + " is fenced; the current epoch is " + member.epoch() + ".");
                }
            }
            Assignment before = member.assigned();
            changed |= applyRequest(member, r, regex);
            if (changed) group.bumpEpoch();
            updateTargetIfNeeded(group);
            resetSessionTimer(group, member);
            reconcile(group, member, r.ownedPartitions());
            boolean send = r.memberEpoch() == 0 || !member.assigned().equals(before)
                || (r.ownedPartitions() != null && !r.ownedPartitions().equals(member.assigned()));
            return new HeartbeatResult(Errors.NONE, null, member.memberId(), member.epoch(),
                groupConfigs.of(group.groupId).consumerHeartbeatIntervalMs(),
                send ? member.assigned() : null);
        }
    }

    private static String invalidRequest(Heartbeat r) {
        if (r.groupId() == null || r.groupId().isEmpty()) return "GroupId can't be empty.";
        if (r.memberId() == null || r.memberId().isEmpty()) return "MemberId can't be empty.";
        if (r.instanceId() != null && r.instanceId().isEmpty()) return "InstanceId can't be empty.";
        if (r.rackId() != null && r.rackId().isEmpty()) return "RackId can't be empty.";
        if (r.memberEpoch() < ConsumerGroupMember.LEAVE_STATIC_EPOCH) return "MemberEpoch is invalid.";
        if (r.memberEpoch() == ConsumerGroupMember.LEAVE_STATIC_EPOCH && r.instanceId() == null) {
            return "InstanceId can't be null when leaving with epoch -2.";
        }
        if (r.memberEpoch() == 0) {
            if (r.rebalanceTimeoutMs() == -1) return "RebalanceTimeoutMs must be provided in first request.";
            if (r.ownedPartitions() == null || !r.ownedPartitions().isEmpty()) {
                return "TopicPartitions must be empty when (re-)joining.";
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                return "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.";
            }
        }
        return null;
    }

    /**
     * A heartbeat at the member's epoch is valid; one at its previous epoch too, when the member owns no more
     * than it is assigned (the answer that moved it on was lost); any other epoch is fenced.
     */
    private static boolean validEpoch(ConsumerGroupMember member, int epoch, Assignment owned) {
        if (member.temporarilyLeft()) return false;
        if (epoch == member.epoch()) return true;
        return epoch < member.epoch() && epoch == member.previousEpoch() && owned != null
            && member.assigned().containsAll(owned);
    }

    private static HeartbeatResult unknownMember(Heartbeat r) {
        return HeartbeatResult.error(Errors.UNKNOWN_MEMBER_ID, "Member " + r.memberId() + " is not a member of group "
            + r.groupId() + ".");
    }

    /** Applies what the heartbeat changed; returns whether the subscription changed. */
    private static boolean applyRequest(ConsumerGroupMember member, Heartbeat r, Pattern regex) {
        member.setClient(r.clientId(), r.clientHost());
        member.setTemporarilyLeft(false);
        if (r.rackId() != null) member.setRackId(r.rackId());
        if (r.rebalanceTimeoutMs() != -1) member.setRebalanceTimeoutMs(r.rebalanceTimeoutMs());
        boolean changed = false;
        if (r.serverAssignor() != null && !r.serverAssignor().equals(member.serverAssignor())) {
            member.setServerAssignor(r.serverAssignor());
            changed = true;
        }
        if (r.subscribedTopicNames() != null) changed |= member.subscribeTopicNames(Set.copyOf(r.subscribedTopicNames()));
        if (r.subscribedTopicRegex() != null) changed |= member.subscribeTopicRegex(regex);
        return changed;
    }

    // ---- the target assignment -----------------------------------------------------------------------

    /** Recomputes the target assignment if the group epoch moved past it; holds the group's monitor. */
    void updateTargetIfNeeded(ConsumerGroup group) {
        Map<String, Integer> partitions = subscribedPartitions(group);
        String assignor = chooseAssignor(group);
        if (!partitions.equals(group.subscribedPartitions()) || !assignor.equals(group.assignorName())) group.bumpEpoch();
        if (group.groupEpoch() <= group.assignmentEpoch() && group.assignorName() != null) return;
        Map<String, ConsumerAssignor.Subscriber> subscribers = new HashMap<>();
        for (ConsumerGroupMember m : group.members()) {
            Set<String> subscribed = new TreeSet<>();
            for (String topic : partitions.keySet()) if (m.subscribesTo(topic)) subscribed.add(topic);
            subscribers.put(m.memberId(), new ConsumerAssignor.Subscriber(subscribed, group.targetOf(m.memberId())));
        }
        Map<String, Assignment> target = assignors.get(assignor).assign(subscribers, partitions);
        group.setTarget(group.groupEpoch(), assignor, target, partitions);
        LOG.debug("Group {} epoch {}: target assignment by {}: {}", group.groupId, group.groupEpoch(), assignor, target);
    }

    /** The partition counts of every existing topic some member subscribes to, by name or by pattern. */
    private Map<String, Integer> subscribedPartitions(ConsumerGroup group) {
        Map<String, Integer> partitions = new TreeMap<>();
        boolean anyRegex = false;
        for (ConsumerGroupMember m : group.members()) {
            anyRegex |= m.subscribedTopicRegex() != null;
            for (String name : m.subscribedTopicNames()) {
                topics.topic(name).ifPresent(t -> partitions.put(name, t.partitionCount()));
            }
        }
        if (anyRegex) {
            for (TopicMetadata t : topics.topics()) {
                if (TopicNames.isInternal(t.name()) || partitions.containsKey(t.name())) continue;
                for (ConsumerGroupMember m : group.members()) {
                    if (m.subscribedTopicRegex() != null && m.subscribedTopicRegex().matcher(t.name()).matches()) {
                        partitions.put(t.name(), t.partitionCount());
                        break;
                    }
                }
            }
        }
        return partitions;
    }

    /** The assignor most members ask for (ties to the one listed first), or the configured default. */
    private String chooseAssignor(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerGroupMember m : group.members()) {
            if (m.serverAssignor() != null) votes.merge(m.serverAssignor(), 1, Integer::sum);
        }
        String chosen = config.assignors().get(0);
        int best = 0;
        for (String name : config.assignors()) {
            int n = votes.getOrDefault(name, 0);
            if (n > best) {
                best = n;
                chosen = name;
            }
        }
        return chosen;
    }

    // ---- reconciliation and timers ------------------------------------------------------------------

    private void reconcile(ConsumerGroup group, ConsumerGroupMember member, Assignment owned) {
        MemberState stateBefore = member.state();
        Reconciliation.Position next = Reconciliation.next(member.position(), group.assignmentEpoch(),
            group.targetOf(member.memberId()), owned,
            (topic, partition) -> group.ownedByOther(member.memberId(), topic, partition));
        member.moveTo(next);
        group.updateOwnership(member);
        if (next.state() == MemberState.UNREVOKED_PARTITIONS && stateBefore != MemberState.UNREVOKED_PARTITIONS) {
            int epoch = member.epoch();
            member.revocationTimer = scheduler.schedule(() -> {
                synchronized (group) {
                    if (group.member(member.memberId()) == member && member.state() == MemberState.UNREVOKED_PARTITIONS
                        && member.epoch() == epoch) {
                        fence(group, member, "did not revoke its partitions within its rebalance timeout");
                    }
                }
            }, Math.max(1, member.rebalanceTimeoutMs()), TimeUnit.MILLISECONDS);
        } else if (next.state() != MemberState.UNREVOKED_PARTITIONS && member.revocationTimer != null) {
            member.revocationTimer.cancel(false);
            member.revocationTimer = null;
        }
    }

    /** Restarts a member's session: {@code group.consumer.session.timeout.ms}, or a classic member's own timeout. */
    void resetSessionTimer(ConsumerGroup group, ConsumerGroupMember member) {
        ScheduledFuture<?> old = member.sessionTimer;
        if (old != null) old.cancel(false);
        int timeoutMs = member.usesClassicProtocol() ? member.classic().sessionTimeoutMs()
            : groupConfigs.of(group.groupId).consumerSessionTimeoutMs();
        member.sessionTimer = scheduler.schedule(() -> {
            synchronized (group) {
                if (group.member(member.memberId()) == member) fence(group, member, "its session timed out");
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Removes a member and releases its partitions; the others rebalance at their next heartbeat. If only
     * classic members are left, the group moves back to the classic protocol (after this monitor is released:
     * the registry's lock comes first).
     */
    void fence(ConsumerGroup group, ConsumerGroupMember member, String reason) {
        cancelTimers(member);
        group.remove(member);
        group.bumpEpoch();
        LOG.info("Removed member {} from consumer group {}: {}", member.memberId(), group.groupId, reason);
        if (!member.usesClassicProtocol() && !group.isEmpty()
            && group.members().stream().allMatch(ConsumerGroupMember::usesClassicProtocol)) {
            scheduler.execute(() -> migration.maybeDowngrade(group.groupId));
        }
    }

    int maxSize() { return config.maxSize(); }

    static void cancelTimers(ConsumerGroupMember member) {
        if (member.sessionTimer != null) member.sessionTimer.cancel(false);
        if (member.revocationTimer != null) member.revocationTimer.cancel(false);
    }

    private HeartbeatResult leave(Heartbeat r) {
        ConsumerGroup group = registry.consumerGroup(r.groupId());
        if (group == null) return unknownMember(r);
        synchronized (group) {
            ConsumerGroupMember member = group.member(r.memberId());
            if (member == null) {
                member = group.staticMember(r.instanceId());
                if (member == null) return unknownMember(r);
            }
            if (r.memberEpoch() == ConsumerGroupMember.LEAVE_STATIC_EPOCH) {
                // Back within the session timeout, it gets its partitions again; until then nobody does.
                member.setTemporarilyLeft(true);
                if (member.revocationTimer != null) member.revocationTimer.cancel(false);
                LOG.info("Static member {} of group {} left for now", r.instanceId(), r.groupId());
            } else {
                fence(group, member, "it left the group");
            }
            return new HeartbeatResult(Errors.NONE, null, r.memberId(), r.memberEpoch(), 0, null);
        }
    }

    // ---- ConsumerGroupDescribe -----------------------------------------------------------------------

    GroupView describe(String groupId) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return notDescribed(groupId, unavailable, null);
        if (groupId == null || groupId.isEmpty()) return notDescribed(groupId, Errors.INVALID_GROUP_ID, null);
        ConsumerGroup group = registry.consumerGroup(groupId);
        if (group == null) {
            String message = registry.get(groupId) != null ? "Group " + groupId + " is not a consumer group."
                : "Group " + groupId + " not found.";
            return notDescribed(groupId, Errors.GROUP_ID_NOT_FOUND, message);
        }
        synchronized (group) {
            if (group.isDead()) return notDescribed(groupId, Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
            List<MemberView> members = new ArrayList<>();
            for (ConsumerGroupMember m : group.members()) {
                members.add(new MemberView(m.memberId(), m.instanceId(), m.rackId(), m.epoch(), m.clientId(),
                    m.clientHost(), List.copyOf(new TreeSet<>(m.subscribedTopicNames())),
                    m.subscribedTopicRegex() == null ? null : m.subscribedTopicRegex().pattern(), m.assigned(),
                    group.targetOf(m.memberId())));
            }
            return new GroupView(Errors.NONE, null, groupId, group.stateName(), group.groupEpoch(), group.assignmentEpoch(),
                group.assignorName() == null ? config.assignors().get(0) : group.assignorName(), members);
        }
    }

    private static GroupView notDescribed(String groupId, Errors error, String message) {
        return new GroupView(error, message, groupId, "", 0, 0, "", List.of());
    }
}
