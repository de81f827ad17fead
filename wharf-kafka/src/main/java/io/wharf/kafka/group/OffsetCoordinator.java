package io.wharf.kafka.group;

import io.wharf.broker.BrokerException;
import io.wharf.broker.group.CommittedOffset;
import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.group.OffsetsTopic;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.group.consumer.ConsumerGroup;
import io.wharf.kafka.group.consumer.ConsumerGroupMember;
import io.wharf.kafka.txn.TransactionVerifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets as the Kafka APIs see them: OffsetCommit (checked against the group's generation and
 * membership), OffsetFetch and OffsetDelete, over the protocol-neutral {@link OffsetStore}.
 *
 * <p>A commit with generation -1 and no member id comes from a consumer that does not use group management
 * (assign() plus commitSync, or the admin client): it is accepted while the group has no members, and
 * creates the group if needed. A member's commit is accepted in Stable and PreparingRebalance (so that a
 * member can commit before it rejoins) and refused with REBALANCE_IN_PROGRESS in CompletingRebalance.
 *
 * <p>In a consumer group of KIP-848 a member commits with its member epoch in the generation field, and the
 * epoch must be the member's current one: STALE_MEMBER_EPOCH otherwise (ILLEGAL_GENERATION for a
 * transactional commit), as in Kafka.
 *
 * <p>Threading: validation and the store write happen under the group's monitor, so a commit can never be
 * stored for a generation that has just ended or for a group being deleted.
 */
final class OffsetCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCoordinator.class);
    private static final short FIRST_TXN_OFFSET_COMMIT_VERSION_WITH_TRANSACTION_ABORTABLE = 4;
    /** Transaction protocol 2: the producer sends no AddOffsetsToTxn; the commit adds the offsets partition. */
    private static final short FIRST_TXN_OFFSET_COMMIT_VERSION_ADDING_IMPLICITLY = 5;

    private final GroupRegistry registry;
    private final TopicManager topics;
    private final GroupConfig config;
    private final TransactionVerifier transactions;

    /** One partition's offset to commit. */
    record Commit(PartitionId partition, long offset, int leaderEpoch, String metadata) {
    }

    /** One partition's committed offset as OffsetFetch returns it (-1 and "" when none is committed). */
    record Fetched(PartitionId partition, long offset, int leaderEpoch, String metadata, Errors error) {
    }

    /** A group's OffsetFetch answer: a group-level error or the offsets. */
    record FetchResult(Errors error, List<Fetched> offsets) {
    }

    /** An OffsetDelete answer: a group-level error or one error per partition. */
    record DeleteResult(Errors error, Map<PartitionId, Errors> partitions) {
    }

    OffsetCoordinator(GroupRegistry registry, TopicManager topics, GroupConfig config, TransactionVerifier transactions) {
        this.registry = registry;
        this.topics = topics;
        this.config = config;
        this.transactions = transactions;
    }

    /** Commits {@code commits}; returns each partition's error, by partition. */
    Map<PartitionId, Errors> commit(String groupId, int generationId, String memberId, String groupInstanceId,
                                    List<Commit> commits) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return allFailed(commits, unavailable);
        if (groupId == null) return allFailed(commits, Errors.INVALID_GROUP_ID);
        ConsumerGroup consumerGroup = registry.consumerGroup(groupId);
        if (consumerGroup != null) {
            synchronized (consumerGroup) {
                if (!consumerGroup.isDead()) {
                    Errors invalid = validateMemberEpoch(consumerGroup, generationId, memberId, Errors.STALE_MEMBER_EPOCH);
                    if (invalid != null) return allFailed(commits, invalid);
                    return store(groupId, commits, valid -> registry.store().commit(groupId, valid));
                }
            }
        }
        ClassicGroup group = registry.get(groupId);
        if (group == null) {
            // Only a consumer without group management may create a group by committing.
            if (generationId >= 0) return allFailed(commits, Errors.ILLEGAL_GENERATION);
            group = registry.getOrCreate(groupId);
            if (group == null) return allFailed(commits, Errors.UNKNOWN_MEMBER_ID); // a consumer group with members now
        }
        synchronized (group) {
            Errors invalid = validateCommit(group, generationId, memberId == null ? "" : memberId, groupInstanceId);
            if (invalid != null) return allFailed(commits, invalid);
            GroupMember member = memberId == null ? null : group.get(memberId);
            if (member != null) member.heartbeat();
            return store(groupId, commits, valid -> registry.store().commit(groupId, valid));
        }
    }

    /**
     * TxnOffsetCommit: stores {@code commits} as part of the producer's transaction, which must be ongoing
     * and include the group's offsets partition (AddOffsetsToTxn; from v5 the commit adds it). They become committed offsets when the
     * transaction commits. A commit carrying member information (v3+, from a consumer's group metadata) is
     * checked against the group like OffsetCommit; one without is accepted whatever the group's members.
     */
    Map<PartitionId, Errors> commitTransactional(short version, String transactionalId, long producerId, short producerEpoch,
                                                 String groupId, int generationId, String memberId,
                                                 String groupInstanceId, List<Commit> commits) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return allFailed(commits, unavailable);
        if (groupId == null || groupId.isEmpty()) return allFailed(commits, Errors.INVALID_GROUP_ID);
        PartitionId offsetsPartition = new PartitionId(OffsetsTopic.NAME, registry.store().partitionFor(groupId));
        Errors verified = version >= FIRST_TXN_OFFSET_COMMIT_VERSION_ADDING_IMPLICITLY
            ? transactions.verifyOrAdd(transactionalId, producerId, producerEpoch, offsetsPartition)
            : transactions.verify(transactionalId, producerId, producerEpoch, offsetsPartition);
        Errors invalidTxn = TransactionVerifier.notInTransaction(verified, version,
            FIRST_TXN_OFFSET_COMMIT_VERSION_WITH_TRANSACTION_ABORTABLE);
        if (invalidTxn != Errors.NONE) return allFailed(commits, invalidTxn);
        boolean hasMemberInfo = generationId >= 0 || (memberId != null && !memberId.isEmpty()) || groupInstanceId != null;
        ConsumerGroup consumerGroup = registry.consumerGroup(groupId);
        if (consumerGroup != null) {
            synchronized (consumerGroup) {
                if (!consumerGroup.isDead()) {
                    Errors invalid = hasMemberInfo
                        ? validateMemberEpoch(consumerGroup, generationId, memberId, Errors.ILLEGAL_GENERATION) : null;
                    if (invalid != null) return allFailed(commits, invalid);
                    return store(groupId, commits, valid -> registry.store().commitTransactional(groupId, producerId,
                        producerEpoch, valid));
                }
            }
        }
        ClassicGroup group = registry.getOrCreate(groupId);
        if (group == null) return allFailed(commits, Errors.COORDINATOR_NOT_AVAILABLE); // became a consumer group
        synchronized (group) {
            if (group.is(GroupState.DEAD)) return allFailed(commits, Errors.COORDINATOR_NOT_AVAILABLE);
            if (hasMemberInfo) {
                Errors invalid = MembershipCoordinator.validateCurrentMember(group, memberId == null ? "" : memberId,
                    groupInstanceId);
                if (invalid == null && generationId != group.generationId()) invalid = Errors.ILLEGAL_GENERATION;
                if (invalid != null) return allFailed(commits, invalid);
            }
            return store(groupId, commits, valid -> registry.store().commitTransactional(groupId, producerId,
                producerEpoch, valid));
        }
    }

    /**
     * A consumer group accepts a commit from a current member at its current epoch, and a commit without
     * group management (epoch -1) while it has no members.
     */
    private static Errors validateMemberEpoch(ConsumerGroup group, int memberEpoch, String memberId, Errors staleEpoch) {
        if (memberEpoch < 0 && group.isEmpty()) return null;
        ConsumerGroupMember member = memberId == null ? null : group.member(memberId);
        if (member == null) return Errors.UNKNOWN_MEMBER_ID;
        if (memberEpoch == member.epoch()) return null;
        // A classic member (during a migration) commits with its generation, and knows only the classic error.
        return member.usesClassicProtocol() ? Errors.ILLEGAL_GENERATION : staleEpoch;
    }

    private static Errors validateCommit(ClassicGroup group, int generationId, String memberId, String groupInstanceId) {
        if (group.is(GroupState.DEAD)) return Errors.COORDINATOR_NOT_AVAILABLE;
        if (generationId < 0 && group.is(GroupState.EMPTY)) return null; // no group management
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors invalid = MembershipCoordinator.validateCurrentMember(group, memberId, groupInstanceId);
            if (invalid != null) return invalid;
            if (generationId != group.generationId()) return Errors.ILLEGAL_GENERATION;
        } else {
            return Errors.UNKNOWN_MEMBER_ID; // only members may commit for a group that has members
        }
        // The member holds this generation's JoinGroup answer but not yet its assignment.
        return group.is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : null;
    }

    private Map<PartitionId, Errors> store(String groupId, List<Commit> commits,
                                           Consumer<Map<PartitionId, CommittedOffset>> write) {
        Map<PartitionId, Errors> errors = new LinkedHashMap<>();
        Map<PartitionId, CommittedOffset> valid = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (Commit c : commits) {
            if (!exists(c.partition())) {
                errors.put(c.partition(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (c.metadata() != null && c.metadata().length() > config.offsetMetadataMaxBytes()) {
                errors.put(c.partition(), Errors.OFFSET_METADATA_TOO_LARGE);
            } else {
                valid.put(c.partition(), new CommittedOffset(c.offset(), c.leaderEpoch(),
                    c.metadata() == null ? "" : c.metadata(), now));
            }
        }
        Errors outcome = Errors.NONE;
        try {
            write.accept(valid);
        } catch (BrokerException e) {
            outcome = storeError(e);
            LOG.warn("Storing {} offset(s) of group {} failed: {}", valid.size(), groupId, e.getMessage());
        }
        for (PartitionId p : valid.keySet()) errors.put(p, outcome);
        return errors;
    }

    /** Kafka's translation of a failed write to the offsets topic into what a committing client understands. */
    private static Errors storeError(BrokerException e) {
        return switch (e.error()) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, INVALID_RECORD, CORRUPT_MESSAGE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            // A transactional commit of a producer fenced since it was verified (its abort marker came first).
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    private boolean exists(PartitionId partition) {
        TopicMetadata topic = topics.topic(partition.topic()).orElse(null);
        return topic != null && partition.partition() >= 0 && partition.partition() < topic.partitionCount();
    }

    /** The committed offsets of {@code partitions} in the group, or all of them when {@code partitions} is null. */
    FetchResult fetch(String groupId, List<PartitionId> partitions, boolean requireStable) {
        return fetch(groupId, null, -1, partitions, requireStable);
    }

    /**
     * As {@link #fetch(String, List, boolean)}, for a member of a consumer group that names itself (OffsetFetch
     * v9+: a KIP-848 consumer sends its member id and epoch): UNKNOWN_MEMBER_ID if it is no member,
     * STALE_MEMBER_EPOCH if its epoch is not the current one. A request without them ({@code memberEpoch}
     * -1, as admin tools send), or one for a classic group, is not checked.
     */
    FetchResult fetch(String groupId, String memberId, int memberEpoch, List<PartitionId> partitions,
                      boolean requireStable) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return new FetchResult(unavailable, List.of());
        if (groupId == null) return new FetchResult(Errors.INVALID_GROUP_ID, List.of());
        if (memberEpoch >= 0 || (memberId != null && !memberId.isEmpty())) {
            ConsumerGroup consumerGroup = registry.consumerGroup(groupId);
            if (consumerGroup != null) {
                synchronized (consumerGroup) {
                    if (!consumerGroup.isDead()) {
                        ConsumerGroupMember member = memberId == null ? null : consumerGroup.member(memberId);
                        if (member == null) return new FetchResult(Errors.UNKNOWN_MEMBER_ID, List.of());
                        if (member.epoch() != memberEpoch) return new FetchResult(Errors.STALE_MEMBER_EPOCH, List.of());
                    }
                }
            }
        }
        OffsetStore store = registry.store();
        List<Fetched> fetched = new ArrayList<>();
        if (partitions == null) {
            List<Map.Entry<PartitionId, CommittedOffset>> all = new ArrayList<>(store.offsets(groupId).entrySet());
            all.sort(Map.Entry.comparingByKey());
            for (Map.Entry<PartitionId, CommittedOffset> e : all) fetched.add(fetchedOf(e.getKey(), e.getValue()));
        } else {
            for (PartitionId p : partitions) {
                if (requireStable && store.hasPendingTransactionalOffset(groupId, p)) {
                    // A transaction has committed an offset here that is not decided yet: the client retries.
                    fetched.add(new Fetched(p, -1L, CommittedOffset.NO_LEADER_EPOCH, "", Errors.UNSTABLE_OFFSET_COMMIT));
                    continue;
                }
                fetched.add(store.offset(groupId, p).map(o -> fetchedOf(p, o))
                    .orElse(new Fetched(p, -1L, CommittedOffset.NO_LEADER_EPOCH, "", Errors.NONE)));
            }
        }
        return new FetchResult(Errors.NONE, fetched);
    }

    private static Fetched fetchedOf(PartitionId p, CommittedOffset o) {
        return new Fetched(p, o.offset(), o.leaderEpoch(), o.metadata(), Errors.NONE);
    }

    /**
     * OffsetDelete: allowed for every partition of an Empty group; in a consumer group with members, only for
     * topics no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
     */
    DeleteResult delete(String groupId, List<PartitionId> partitions) {
        Errors unavailable = registry.availability();
        if (unavailable != Errors.NONE) return new DeleteResult(unavailable, Map.of());
        if (groupId == null || groupId.isEmpty()) return new DeleteResult(Errors.INVALID_GROUP_ID, Map.of());
        ConsumerGroup consumerGroup = registry.consumerGroup(groupId);
        if (consumerGroup != null) {
            synchronized (consumerGroup) {
                if (!consumerGroup.isDead()) {
                    Map<PartitionId, Errors> errors = new LinkedHashMap<>();
                    List<PartitionId> eligible = new ArrayList<>();
                    for (PartitionId p : partitions) {
                        if (consumerGroup.isSubscribedTo(p.topic())) errors.put(p, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                        else eligible.add(p);
                    }
                    deleteEligible(groupId, eligible, errors);
                    return new DeleteResult(Errors.NONE, errors);
                }
            }
        }
        ClassicGroup group = registry.get(groupId);
        if (group == null) return new DeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of());
        Map<PartitionId, Errors> errors = new LinkedHashMap<>();
        synchronized (group) {
            List<PartitionId> eligible = new ArrayList<>();
            switch (group.state()) {
                case DEAD -> {
                    return new DeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of());
                }
                case EMPTY -> eligible.addAll(partitions);
                default -> {
                    if (!org.apache.kafka.clients.consumer.internals.ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType())) {
                        return new DeleteResult(Errors.NON_EMPTY_GROUP, Map.of());
                    }
                    for (PartitionId p : partitions) {
                        if (group.isSubscribedToTopic(p.topic())) errors.put(p, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                        else eligible.add(p);
                    }
                }
            }
            deleteEligible(groupId, eligible, errors);
        }
        return new DeleteResult(Errors.NONE, errors);
    }

    /** Deletes the offsets of {@code eligible} partitions that exist, recording each one's outcome. */
    private void deleteEligible(String groupId, List<PartitionId> eligible, Map<PartitionId, Errors> errors) {
        List<PartitionId> known = new ArrayList<>();
        for (PartitionId p : eligible) {
            if (exists(p)) known.add(p);
            else errors.put(p, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        Errors outcome = Errors.NONE;
        try {
            int removed = registry.store().deleteOffsets(groupId, known);
            LOG.info("Deleted {} committed offset(s) of group {}", removed, groupId);
        } catch (BrokerException e) {
            outcome = storeError(e);
        }
        for (PartitionId p : known) errors.put(p, outcome);
    }

    private static Map<PartitionId, Errors> allFailed(List<Commit> commits, Errors error) {
        Map<PartitionId, Errors> errors = new HashMap<>();
        for (Commit c : commits) errors.put(c.partition(), error);
        return Collections.unmodifiableMap(errors);
    }
}
