package io.wharf.kafka.group;

import io.wharf.kafka.group.consumer.Assignment;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import io.wharf.kafka.group.consumer.ConsumerGroupMember;
import io.wharf.kafka.group.consumer.MemberState;
import io.wharf.kafka.group.consumer.Reconciliation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup from members of the classic protocol in a consumer group
 * (KIP-848's online migration, {@link GroupMigration}). The group assigns their partitions with everyone
 * else's; the classic protocol only carries the result:
 * <ul>
 *   <li>JoinGroup takes the member's subscription from its protocol metadata and answers at once, with no
 *       leader (nobody assigns on the client side) and the member epoch as the generation. The member gets
 *       its target assignment less the partitions another member has not released yet; what it had and
 *       no longer has is released at that moment.
 *   <li>SyncGroup returns that assignment in the consumer protocol's encoding.
 *   <li>Heartbeat answers REBALANCE_IN_PROGRESS while the member must give up partitions or can take more:
 *       the client rejoins, which moves it.
 *   <li>LeaveGroup, or a session that expires, removes the member.
 * </ul>
 *
 * <p>Threading: as {@link ConsumerGroupCoordinator}, everything under the group's monitor.
 */
final class ClassicMembersCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicMembersCoordinator.class);

    private final ConsumerGroupCoordinator consumers;

    ClassicMembersCoordinator(ConsumerGroupCoordinator consumers) {
        this.consumers = consumers;
    }

    JoinResult join(ConsumerGroup group, MembershipCoordinator.JoinRequest r) {
        synchronized (group) {
            if (group.isDead()) return JoinResult.error(r.memberId(), Errors.COORDINATOR_NOT_AVAILABLE);
            if (!GroupMigration.CONSUMER_PROTOCOL_TYPE.equals(r.protocolType()) || r.protocols().isEmpty()) {
                return JoinResult.error(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            ConsumerPartitionAssignor.Subscription subscription;
            try {
                subscription = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(r.protocols().get(0).metadata()));
            } catch (RuntimeException e) {
                return JoinResult.error(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            ConsumerGroupMember member;
            boolean isNew = false;
            if (r.memberId().isEmpty()) {
                String newId = (r.groupInstanceId() != null ? r.groupInstanceId() : r.clientId()) + "-" + UUID.randomUUID();
                if (r.requireKnownMemberId() && r.groupInstanceId() == null) {
                    group.addPendingClassicMember(newId);
                    return JoinResult.error(newId, Errors.MEMBER_ID_REQUIRED);
                }
                ConsumerGroupMember previous = group.staticMember(r.groupInstanceId());
                member = new ConsumerGroupMember(newId, r.groupInstanceId());
                if (previous != null) {
                    member.inherit(previous);
                    ConsumerGroupCoordinator.cancelTimers(previous);
                    group.remove(previous);
                } else {
                    isNew = true;
                }
            } else {
                member = group.member(r.memberId());
                if (member == null) {
                    if (!group.removePendingClassicMember(r.memberId())) return JoinResult.error(r.memberId(), Errors.UNKNOWN_MEMBER_ID);
                    member = new ConsumerGroupMember(r.memberId(), r.groupInstanceId());
                    isNew = true;
                } else if (!member.usesClassicProtocol()) {
                    return JoinResult.error(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL);
                } else if (r.groupInstanceId() != null && group.staticMember(r.groupInstanceId()) != member) {
                    return JoinResult.error(r.memberId(), Errors.FENCED_INSTANCE_ID);
                }
            }
            if (isNew && group.size() >= consumers.maxSize()) return JoinResult.error(r.memberId(), Errors.GROUP_MAX_SIZE_REACHED);
            member.setClassic(GroupMigration.classicMembership(r.sessionTimeoutMs(), r.protocols()));
            member.setClient(r.clientId(), r.clientHost());
            member.setRebalanceTimeoutMs(r.rebalanceTimeoutMs());
            member.setTemporarilyLeft(false);
            subscription.rackId().ifPresent(member::setRackId);
            if (group.member(member.memberId()) != member) group.add(member);
            boolean changed = member.subscribeTopicNames(Set.copyOf(subscription.topics())) || isNew;
            if (changed) group.bumpEpoch();
            consumers.updateTargetIfNeeded(group);
            moveTowardsTarget(group, member);
            consumers.resetSessionTimer(group, member);
            LOG.info("Classic member {} joined consumer group {} at epoch {} with {}", member.memberId(), group.groupId,
                member.epoch(), member.assigned());
            return new JoinResult(Errors.NONE, member.memberId(), member.epoch(), GroupMigration.CONSUMER_PROTOCOL_TYPE,
                member.classic().preferredProtocol(), "", false, List.of());
        }
    }

    /** The member's target less what others still own; it gives up the rest of what it had at once. */
    private static void moveTowardsTarget(ConsumerGroup group, ConsumerGroupMember member) {
        Assignment target = group.targetOf(member.memberId());
        Assignment free = target.filter((topic, p) -> !group.ownedByOther(member.memberId(), topic, p));
        MemberState state = free.equals(target) ? MemberState.STABLE : MemberState.UNRELEASED_PARTITIONS;
        member.moveTo(new Reconciliation.Position(group.assignmentEpoch(), state, free, Assignment.EMPTY));
        group.updateOwnership(member);
    }

    SyncResult sync(ConsumerGroup group, MemberRequests.SyncRequest r) {
        synchronized (group) {
            if (group.isDead()) return SyncResult.error(Errors.COORDINATOR_NOT_AVAILABLE);
            ConsumerGroupMember member = group.member(r.memberId());
            Errors invalid = validate(group, member, r.groupInstanceId(), r.generationId());
            if (invalid != null) return SyncResult.error(invalid);
            if (r.protocolType() != null && !GroupMigration.CONSUMER_PROTOCOL_TYPE.equals(r.protocolType())) {
                return SyncResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            String protocol = member.classic().preferredProtocol();
            if (r.protocolName() != null && !r.protocolName().equals(protocol)) return SyncResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL);
            consumers.resetSessionTimer(group, member);
            return new SyncResult(Errors.NONE, GroupMigration.CONSUMER_PROTOCOL_TYPE, protocol,
                GroupMigration.serialize(member.assigned()));
        }
    }

    Errors heartbeat(ConsumerGroup group, String memberId, String groupInstanceId, int generationId) {
        synchronized (group) {
            if (group.isDead()) return Errors.COORDINATOR_NOT_AVAILABLE;
            ConsumerGroupMember member = group.member(memberId);
            Errors invalid = validate(group, member, groupInstanceId, generationId);
            if (invalid != null) return invalid;
            consumers.resetSessionTimer(group, member);
            consumers.updateTargetIfNeeded(group);
            return mustRejoin(group, member) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        }
    }

    /** Whether the member holds partitions its target no longer has, or could take some it lacks. */
    private static boolean mustRejoin(ConsumerGroup group, ConsumerGroupMember member) {
        Assignment target = group.targetOf(member.memberId());
        if (!target.containsAll(member.assigned())) return true;
        return !target.minus(member.assigned()).filter((topic, p) -> !group.ownedByOther(member.memberId(), topic, p)).isEmpty();
    }

    List<MemberRequests.Leaving> leave(ConsumerGroup group, List<MemberRequests.Leaving> leaving) {
        List<MemberRequests.Leaving> results = new ArrayList<>(leaving.size());
        synchronized (group) {
            for (MemberRequests.Leaving l : leaving) {
                ConsumerGroupMember member = l.memberId() == null || l.memberId().isEmpty()
                    ? group.staticMember(l.groupInstanceId()) : group.member(l.memberId());
                Errors error;
                if (member == null || !member.usesClassicProtocol()) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else if (l.groupInstanceId() != null && group.staticMember(l.groupInstanceId()) != member) {
                    error = Errors.FENCED_INSTANCE_ID;
                } else {
                    consumers.fence(group, member, "it left the group (LeaveGroup)");
                    error = Errors.NONE;
                }
                results.add(new MemberRequests.Leaving(l.memberId(), l.groupInstanceId(), error));
            }
        }
        return results;
    }

    private static Errors validate(ConsumerGroup group, ConsumerGroupMember member, String groupInstanceId, int generationId) {
        if (member == null || !member.usesClassicProtocol()) return Errors.UNKNOWN_MEMBER_ID;
        if (groupInstanceId != null && group.staticMember(groupInstanceId) != member) return Errors.FENCED_INSTANCE_ID;
        if (generationId != member.epoch()) return Errors.ILLEGAL_GENERATION;
        return null;
    }
}
