package io.wharf.kafka.group;

import io.wharf.kafka.group.consumer.Assignment;
import io.wharf.kafka.group.consumer.ClassicMembership;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import io.wharf.kafka.group.consumer.ConsumerGroupMember;
import io.wharf.kafka.group.consumer.MemberState;
import io.wharf.kafka.group.consumer.Reconciliation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-848's online migration: a group with members moving between the classic protocol and the consumer
 * protocol, as {@code group.consumer.migration.policy} allows.
 *
 * <ul>
 *   <li><b>Upgrade</b>: a member of the consumer protocol joins a Stable classic group of protocol type
 *       {@code consumer}. The group becomes a consumer group at the same epoch; its members stay in it as
 *       classic members ({@link ClassicMembersCoordinator}), with the subscriptions and assignments their
 *       last JoinGroup and SyncGroup carried, and the group rebalances incrementally from there.
 *   <li><b>Downgrade</b>: the last member of the consumer protocol leaves (or is fenced) while classic members
 *       remain. The group becomes a classic group, Stable with the assignments they have, and rebalances at
 *       once: they rejoin, and their leader assigns as before.
 * </ul>
 * Committed offsets belong to the group id and stay through both.
 *
 * <p>Threading: takes the registry's monitor, then the group's, as {@link GroupRegistry} does.
 */
final class GroupMigration {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMigration.class);
    static final String CONSUMER_PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    private final GroupRegistry registry;
    private final MembershipCoordinator membership;
    private final ConsumerGroupConfig config;

    /**
     * An upgrade: the consumer group, or (group null) the error and why the classic group could not become
     * one — COORDINATOR_LOAD_IN_PROGRESS, which the client retries, while the classic group is rebalancing.
     */
    record Upgrade(ConsumerGroup group, Errors error, String refusal) {
    }

    GroupMigration(GroupRegistry registry, MembershipCoordinator membership, ConsumerGroupConfig config) {
        this.registry = registry;
        this.membership = membership;
        this.config = config;
    }

    /**
     * Turns the classic group {@code groupId}, which has members, into a consumer group; its members'
     * session timers are the caller's to start. Empty classic groups are converted by
     * {@link GroupRegistry#getOrCreateConsumerGroup} instead.
     */
    Upgrade upgrade(String groupId) {
        synchronized (registry) {
            ConsumerGroup existing = registry.getOrCreateConsumerGroup(groupId);
            if (existing != null) return new Upgrade(existing, Errors.NONE, null);
            ClassicGroup classic = registry.get(groupId);
            synchronized (classic) {
                if (!classic.is(GroupState.STABLE) && config.migrationPolicy().allowsUpgrade()) {
                    return new Upgrade(null, Errors.COORDINATOR_LOAD_IN_PROGRESS, "Group " + groupId
                        + " is a classic group that is rebalancing; it moves to the consumer protocol once it is stable.");
                }
                String refusal = upgradeRefusal(classic);
                if (refusal != null) {
                    return new Upgrade(null, Errors.INCONSISTENT_GROUP_PROTOCOL, "Group " + groupId
                        + " is a classic group with members " + refusal);
                }
                ConsumerGroup group;
                try {
                    group = convert(classic);
                } catch (RuntimeException e) {
                    return new Upgrade(null, Errors.INCONSISTENT_GROUP_PROTOCOL, "Group " + groupId
                        + " is a classic group whose members' metadata is not "
                        + "the consumer protocol's (" + e.getMessage() + "), so it cannot move to the consumer protocol.");
                }
                classic.transitionTo(GroupState.DEAD);
                registry.replace(classic, group);
                LOG.info("Classic group {} at generation {} became a consumer group with {} classic member(s)", groupId,
                    classic.generationId(), classic.size());
                return new Upgrade(group, Errors.NONE, null);
            }
        }
    }

    private String upgradeRefusal(ClassicGroup classic) {
        if (!config.migrationPolicy().allowsUpgrade()) {
            return "and group.consumer.migration.policy is " + config.migrationPolicy().name().toLowerCase(java.util.Locale.ROOT)
                + "; a consumer group protocol member can join it once it is empty.";
        }
        if (!CONSUMER_PROTOCOL_TYPE.equals(classic.protocolType())) {
            return "of protocol type " + classic.protocolType() + ", not consumer.";
        }
        if (classic.size() >= config.maxSize()) return "and as many as group.consumer.max.size allows.";
        return null;
    }

    private static ConsumerGroup convert(ClassicGroup classic) {
        ConsumerGroup group = new ConsumerGroup(classic.groupId, classic.generationId(), -1);
        Map<String, Assignment> target = new TreeMap<>();
        for (GroupMember m : classic.members()) {
            ConsumerPartitionAssignor.Subscription subscription = ConsumerProtocol.deserializeSubscription(
                ByteBuffer.wrap(m.metadata(classic.protocolName())));
            Assignment assigned = m.assignment.length == 0 ? Assignment.EMPTY
                : toAssignment(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(m.assignment)).partitions());
            ConsumerGroupMember member = new ConsumerGroupMember(m.memberId(), m.groupInstanceId);
            member.setClassic(classicMembership(m));
            member.setClient(m.clientId, m.clientHost);
            member.setRebalanceTimeoutMs(m.rebalanceTimeoutMs);
            subscription.rackId().ifPresent(member::setRackId);
            member.subscribeTopicNames(Set.copyOf(subscription.topics()));
            member.moveTo(new Reconciliation.Position(classic.generationId(), MemberState.STABLE, assigned, Assignment.EMPTY));
            group.add(member);
            target.put(m.memberId(), assigned);
        }
        group.setTarget(classic.generationId(), null, target, Map.of());
        return group;
    }

    /**
     * Turns consumer group {@code groupId} into a classic group if every member left is a classic member
     * (and the policy allows it); does nothing otherwise. Call without holding the group's monitor.
     */
    void maybeDowngrade(String groupId) {
        if (!config.migrationPolicy().allowsDowngrade()) return;
        synchronized (registry) {
            ConsumerGroup group = registry.consumerGroup(groupId);
            if (group == null) return;
            synchronized (group) {
                if (group.isDead() || group.isEmpty()) return;
                for (ConsumerGroupMember m : group.members()) if (!m.usesClassicProtocol()) return;
                List<GroupMember> members = new ArrayList<>();
                for (ConsumerGroupMember m : group.members()) {
                    ConsumerGroupCoordinator.cancelTimers(m);
                    members.add(classicMember(m));
                }
                ClassicGroup classic = new ClassicGroup(groupId, -1);
                try {
                    classic.adopt(group.assignmentEpoch(), members);
                } catch (IllegalStateException noCommonProtocol) {
                    LOG.warn("Consumer group {} stays one: its classic members share no protocol", groupId);
                    return;
                }
                synchronized (classic) {
                    registry.replace(group, classic);
                    LOG.info("Consumer group {} became a classic group again with {} member(s)", groupId, members.size());
                    membership.adopt(classic, "the last member of the consumer protocol left; the group moved to the classic protocol");
                }
            }
        }
    }

    private static GroupMember classicMember(ConsumerGroupMember m) {
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        for (ClassicMembership.Protocol p : m.classic().protocols()) protocols.add(new GroupMember.Protocol(p.name(), p.metadata()));
        GroupMember member = new GroupMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
            m.classic().sessionTimeoutMs(), m.rebalanceTimeoutMs(), CONSUMER_PROTOCOL_TYPE, protocols);
        member.assignment = serialize(m.assigned());
        return member;
    }

    static ClassicMembership classicMembership(GroupMember m) {
        return classicMembership(m.sessionTimeoutMs, m.protocols());
    }

    static ClassicMembership classicMembership(int sessionTimeoutMs, List<GroupMember.Protocol> protocols) {
        List<ClassicMembership.Protocol> converted = new ArrayList<>();
        for (GroupMember.Protocol p : protocols) converted.add(new ClassicMembership.Protocol(p.name(), p.metadata()));
        return new ClassicMembership(sessionTimeoutMs, converted);
    }

    static Assignment toAssignment(List<TopicPartition> partitions) {
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
        return Assignment.of(byTopic);
    }

    /** An assignment in the consumer protocol's encoding, as a SyncGroup response carries it. */
    static byte[] serialize(Assignment assignment) {
        List<TopicPartition> partitions = new ArrayList<>();
        assignment.byTopic().forEach((topic, ps) -> ps.forEach(p -> partitions.add(new TopicPartition(topic, p))));
        ByteBuffer buffer = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(partitions));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
