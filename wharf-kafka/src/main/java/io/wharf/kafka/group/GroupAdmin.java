package io.wharf.kafka.group;

import io.wharf.kafka.group.consumer.ConsumerGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrative view of groups: DescribeGroups, ListGroups and DeleteGroups. ListGroups and
 * DeleteGroups cover both kinds of group, classic (Kafka's group type "classic"), KIP-848 consumer groups
 * (type "consumer") and share groups (type "share"); DescribeGroups describes classic groups (ConsumerGroupDescribe the others). A group that
 * exists only through committed offsets is a classic group, Empty with no protocol type, as in Kafka.
 */
final class GroupAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdmin.class);
    static final String CLASSIC_TYPE = "classic";
    static final String CONSUMER_TYPE = "consumer";
    static final String SHARE_TYPE = "share";

    private final GroupRegistry registry;
    private final ShareGroupView shareGroups;

    /** A member as DescribeGroups shows it; metadata and assignment only in a Stable group. */
    record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost, byte[] metadata,
                         byte[] assignment) {
    }

    /** A group as DescribeGroups shows it; {@code found} false for a group this coordinator does not know. */
    record GroupSummary(Errors error, boolean found, String groupId, String state, String protocolType, String protocol,
                        List<MemberSummary> members) {
    }

    /** A group as ListGroups shows it. */
    record Listed(String groupId, String protocolType, String state, String type) {
    }

    GroupAdmin(GroupRegistry registry, ShareGroupView shareGroups) {
        this.registry = registry;
        this.shareGroups = shareGroups;
    }

    GroupSummary describe(String groupId) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return new GroupSummary(unavailable, false, groupId, "", "", "", List.of());
        if (groupId == null) return new GroupSummary(Errors.INVALID_GROUP_ID, false, groupId, "", "", "", List.of());
        ClassicGroup group = registry.get(groupId);
        if (group == null) return notFound(groupId);
        synchronized (group) {
            if (group.is(GroupState.DEAD)) return notFound(groupId);
            boolean stable = group.is(GroupState.STABLE);
            byte[] none = new byte[0];
            List<MemberSummary> members = new ArrayList<>();
            for (GroupMember m : group.members()) {
                members.add(new MemberSummary(m.memberId(), m.groupInstanceId, m.clientId, m.clientHost,
                    stable ? m.metadata(group.protocolName()) : none, stable ? m.assignment : none));
            }
            return new GroupSummary(Errors.NONE, true, groupId, group.state().kafkaName(),
                group.protocolType() == null ? "" : group.protocolType(), stable ? group.protocolName() : "", members);
        }
    }

    private static GroupSummary notFound(String groupId) {
        return new GroupSummary(Errors.NONE, false, groupId, GroupState.DEAD.kafkaName(), "", "", List.of());
    }

    /**
     * The groups in one of {@code states} (all when empty; matched ignoring case) and of one of {@code types}
     * (all when empty; "classic", "consumer" or "share"). COORDINATOR_LOAD_IN_PROGRESS while loading.
     */
    ListResult list(List<String> states, List<String> types) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return new ListResult(unavailable, List.of());
        Set<String> stateFilter = states.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        boolean classicWanted = types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(CLASSIC_TYPE));
        boolean consumerWanted = types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(CONSUMER_TYPE));
        boolean shareWanted = types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(SHARE_TYPE));
        List<Listed> listed = new ArrayList<>();
        for (ClassicGroup group : classicWanted ? registry.all() : List.<ClassicGroup>of()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) continue;
                String state = group.state().kafkaName();
                if (!stateFilter.isEmpty() && !stateFilter.contains(state.toLowerCase(Locale.ROOT))) continue;
                listed.add(new Listed(group.groupId, group.protocolType() == null ? "" : group.protocolType(), state,
                    CLASSIC_TYPE));
            }
        }
        for (ConsumerGroup group : consumerWanted ? registry.allConsumerGroups() : List.<ConsumerGroup>of()) {
            synchronized (group) {
                if (group.isDead()) continue;
                String state = group.stateName();
                if (!stateFilter.isEmpty() && !stateFilter.contains(state.toLowerCase(Locale.ROOT))) continue;
                listed.add(new Listed(group.groupId, CONSUMER_TYPE, state, CONSUMER_TYPE));
            }
        }
        if (shareWanted) {
            shareGroups.list().forEach((groupId, state) -> {
                if (stateFilter.isEmpty() || stateFilter.contains(state.toLowerCase(Locale.ROOT))) {
                    listed.add(new Listed(groupId, SHARE_TYPE, state, SHARE_TYPE));
                }
            });
        }
        listed.sort(Comparator.comparing(Listed::groupId));
        return new ListResult(Errors.NONE, listed);
    }

    /** A ListGroups answer. */
    record ListResult(Errors error, List<Listed> groups) {
    }

    /**
     * Deletes each group that has no members, with its committed offsets (tombstones in the offsets topic):
     * GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for a group with members.
     */
    Map<String, Errors> delete(List<String> groupIds) {
        Map<String, Errors> results = new LinkedHashMap<>();
        Errors unavailable = registry.availability();
        for (String groupId : groupIds) {
            if (unavailable != Errors.NONE) {
                results.put(groupId, unavailable);
            } else if (groupId == null) {
                results.put(groupId, Errors.INVALID_GROUP_ID);
            } else {
                results.put(groupId, deleteOne(groupId));
            }
        }
        return results;
    }

    private Errors deleteOne(String groupId) {
        Errors share = shareGroups.delete(groupId);
        if (share != null) return share;
        ConsumerGroup consumerGroup = registry.consumerGroup(groupId);
        if (consumerGroup != null) {
            synchronized (consumerGroup) {
                if (!consumerGroup.isDead()) {
                    if (!consumerGroup.isEmpty()) return Errors.NON_EMPTY_GROUP;
                    Errors deleted = deleteOffsets(groupId);
                    if (deleted == Errors.NONE) registry.retire(consumerGroup);
                    return deleted;
                }
            }
        }
        ClassicGroup group = registry.get(groupId);
        if (group == null) return Errors.GROUP_ID_NOT_FOUND;
        synchronized (group) {
            switch (group.state()) {
                case DEAD -> {
                    return Errors.GROUP_ID_NOT_FOUND;
                }
                case EMPTY -> {
                    Errors deleted = deleteOffsets(groupId);
                    if (deleted == Errors.NONE) {
                        group.transitionTo(GroupState.DEAD);
                        registry.remove(group);
                    }
                    return deleted;
                }
                default -> {
                    return Errors.NON_EMPTY_GROUP;
                }
            }
        }
    }

    /** Removes all committed offsets of a group being deleted (tombstones in the offsets topic). */
    private Errors deleteOffsets(String groupId) {
        try {
            int removed = registry.store().deleteGroup(groupId);
            LOG.info("Deleted group {} and its {} committed offset(s)", groupId, removed);
            return Errors.NONE;
        } catch (RuntimeException e) {
            LOG.warn("Deleting the offsets of group {} failed", groupId, e);
            return Errors.UNKNOWN_SERVER_ERROR;
        }
    }
}
