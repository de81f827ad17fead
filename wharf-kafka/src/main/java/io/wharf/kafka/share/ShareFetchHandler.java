package io.wharf.kafka.share;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import io.wharf.kafka.group.GroupConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;

/**
 * ShareFetch (v1, v2): moves the member's share session on ({@link ShareSessions}), applies the
 * acknowledgements the request carries, then acquires records from the session's partitions. When nothing
 * is available it waits, holding no thread, for an append to one of them or {@code MaxWaitMs}
 * ({@link DelayedShareFetch}). The final epoch (-1) only acknowledges: it closes the session and releases
 * what the member still holds in its partitions.
 */
final class ShareFetchHandler {
    /** What a ShareFetch asks for when MaxRecords is not set (the consumer's max.poll.records default). */
    private static final int DEFAULT_MAX_RECORDS = 500;

    private final ShareGroupCoordinator groups;
    private final ShareSessions sessions;
    private final SharePartitionReader reader;
    private final TopicManager topics;
    private final GroupConfigs groupConfigs;
    private final ScheduledExecutorService scheduler;

    ShareFetchHandler(ShareGroupCoordinator groups, ShareSessions sessions, SharePartitionReader reader,
                      TopicManager topics, GroupConfigs groupConfigs, ScheduledExecutorService scheduler) {
        this.groups = groups;
        this.sessions = sessions;
        this.reader = reader;
        this.topics = topics;
        this.groupConfigs = groupConfigs;
        this.scheduler = scheduler;
    }

    CompletableFuture<AbstractResponse> handle(RequestContext context, ShareFetchRequest request) {
        ShareFetchRequestData d = request.data();
        if (d.groupId() == null || d.groupId().isEmpty()) return done(error(Errors.INVALID_REQUEST, "GroupId can't be empty."));
        long owner = groups.ownerOf(d.groupId(), d.memberId());
        if (owner < 0) {
            return done(error(Errors.UNKNOWN_MEMBER_ID, "Member " + d.memberId() + " is not a member of share group "
                + d.groupId() + "."));
        }
        List<ShareSessions.SessionPartition> added = new ArrayList<>();
        Map<ShareSessions.SessionPartition, List<SharePartitionReader.AckBatch>> acks = new LinkedHashMap<>();
        for (ShareFetchRequestData.FetchTopic t : d.topics()) {
            for (ShareFetchRequestData.FetchPartition p : t.partitions()) {
                ShareSessions.SessionPartition sp = new ShareSessions.SessionPartition(t.topicId(), p.partitionIndex());
                added.add(sp);
                if (!p.acknowledgementBatches().isEmpty()) {
                    List<SharePartitionReader.AckBatch> batches = new ArrayList<>();
                    for (ShareFetchRequestData.AcknowledgementBatch b : p.acknowledgementBatches()) {
                        batches.add(new SharePartitionReader.AckBatch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes()));
                    }
                    acks.put(sp, batches);
                }
            }
        }
        List<ShareSessions.SessionPartition> forgotten = new ArrayList<>();
        for (ShareFetchRequestData.ForgottenTopic t : d.forgottenTopicsData()) {
            for (int p : t.partitions()) forgotten.add(new ShareSessions.SessionPartition(t.topicId(), p));
        }
        ShareSessions.Standing standing = sessions.fetch(d.groupId(), d.memberId(), d.shareSessionEpoch(), added, forgotten);
        if (standing.error() != Errors.NONE) return done(error(standing.error(), standing.message()));

        Map<ShareSessions.SessionPartition, Resolved> resolved = new LinkedHashMap<>();
        Set<ShareSessions.SessionPartition> all = new LinkedHashSet<>(standing.partitions());
        all.addAll(acks.keySet());
        for (ShareSessions.SessionPartition sp : all) resolved.put(sp, resolve(sp));
        Map<ShareSessions.SessionPartition, Errors> ackErrors = new HashMap<>();
        acks.forEach((sp, batches) -> ackErrors.put(sp, acknowledge(d.groupId(), owner, resolved.get(sp), batches)));

        if (d.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            for (ShareSessions.SessionPartition sp : standing.partitions()) release(d.groupId(), owner, resolved.get(sp));
            return done(new ShareFetchPass(d.groupId(), owner, resolved, standing.partitions(), ackErrors, 0, 0, false).run());
        }
        int maxRecords = d.maxRecords() > 0 ? d.maxRecords() : DEFAULT_MAX_RECORDS;
        ShareFetchPass pass = new ShareFetchPass(d.groupId(), owner, resolved, standing.partitions(), ackErrors,
            request.maxBytes(), maxRecords, true);
        ShareFetchResponse first = pass.run();
        if (pass.acquired() > 0 || request.maxWait() <= 0) return done(first);
        List<Partition> logs = new ArrayList<>();
        for (Resolved r : resolved.values()) {
            if (r.log != null) logs.add(r.log);
        }
        return new DelayedShareFetch(pass, logs).start(scheduler, request.maxWait());
    }

    /** A session partition resolved to its topic and log; {@code error} set if it cannot be read. */
    private record Resolved(Uuid topicId, int partition, String topic, Partition log, Errors error) {
    }

    private Resolved resolve(ShareSessions.SessionPartition sp) {
        Optional<TopicMetadata> metadata = Uuid.ZERO_UUID.equals(sp.topicId()) ? Optional.empty()
            : topics.topicById(TopicIdCodec.toText(sp.topicId()));
        if (metadata.isEmpty()) return new Resolved(sp.topicId(), sp.partition(), null, null, Errors.UNKNOWN_TOPIC_ID);
        String topic = metadata.get().name();
        try {
            return new Resolved(sp.topicId(), sp.partition(), topic, reader.log(topic, sp.partition()), null);
        } catch (RuntimeException e) {
            return new Resolved(sp.topicId(), sp.partition(), topic, null, ErrorMapping.forException(e));
        }
    }

    private Errors acknowledge(String groupId, long owner, Resolved r, List<SharePartitionReader.AckBatch> batches) {
        if (r.error != null) return r.error;
        try {
            return reader.acknowledge(groupId, owner, r.topic, r.partition, batches);
        } catch (RuntimeException e) {
            return ErrorMapping.forException(e);
        }
    }

    private void release(String groupId, long owner, Resolved r) {
        if (r == null || r.error != null) return;
        reader.releaseAll(groupId, owner, r.topic, r.partition);
    }

    /**
     * One pass over the session's partitions, acquiring and building the response. A long poll runs it again
     * on every wake-up; passes never overlap ({@link DelayedShareFetch} serialises them), so records acquired
     * by a pass are always sent.
     */
    final class ShareFetchPass {
        private final String groupId;
        private final long owner;
        private final Map<ShareSessions.SessionPartition, Resolved> resolved;
        private final Set<ShareSessions.SessionPartition> sessionPartitions;
        private final Map<ShareSessions.SessionPartition, Errors> ackErrors;
        private final int maxBytes;
        private final int maxRecords;
        private final boolean fetch;
        private int acquired;

        ShareFetchPass(String groupId, long owner, Map<ShareSessions.SessionPartition, Resolved> resolved,
                       Set<ShareSessions.SessionPartition> sessionPartitions,
                       Map<ShareSessions.SessionPartition, Errors> ackErrors, int maxBytes, int maxRecords, boolean fetch) {
            this.groupId = groupId;
            this.owner = owner;
            this.resolved = resolved;
            this.sessionPartitions = sessionPartitions;
            this.ackErrors = ackErrors;
            this.maxBytes = maxBytes;
            this.maxRecords = maxRecords;
            this.fetch = fetch;
        }

        /** Records acquired by the last pass. */
        int acquired() { return acquired; }

        ShareFetchResponse run() {
            acquired = 0;
            int bytesLeft = maxBytes;
            int recordsLeft = maxRecords;
            LinkedHashMap<TopicIdPartition, ShareFetchResponseData.PartitionData> partitions = new LinkedHashMap<>();
            for (Resolved r : resolved.values()) {
                ShareSessions.SessionPartition sp = new ShareSessions.SessionPartition(r.topicId, r.partition);
                Errors ackError = ackErrors.get(sp);
                boolean inSession = sessionPartitions.contains(sp);
                ShareFetchResponseData.PartitionData data = new ShareFetchResponseData.PartitionData()
                    .setPartitionIndex(r.partition)
                    .setErrorCode(Errors.NONE.code())
                    .setAcknowledgeErrorCode(ackError == null ? Errors.NONE.code() : ackError.code())
                    .setRecords(MemoryRecords.EMPTY);
                data.currentLeader().setLeaderId(r.log == null ? -1 : r.log.leader())
                    .setLeaderEpoch(r.log == null ? -1 : r.log.leaderEpoch());
                if (r.error != null) {
                    data.setErrorCode(r.error.code());
                } else if (fetch && inSession && recordsLeft > 0) {
                    try {
                        SharePartitionReader.Acquired a = reader.acquire(groupId, owner, r.topic, r.log, bytesLeft,
                            recordsLeft, acquired == 0);
                        if (a.count() > 0) {
                            data.setRecords(a.records()).setAcquiredRecords(a.ranges());
                            acquired += a.count();
                            recordsLeft -= a.count();
                            bytesLeft = Math.max(0, bytesLeft - a.records().sizeInBytes());
                        }
                    } catch (RuntimeException e) {
                        data.setErrorCode(ErrorMapping.forException(e).code());
                    }
                }
                partitions.put(new TopicIdPartition(r.topicId, r.partition, r.topic), data);
            }
            return ShareFetchResponse.of(Errors.NONE, 0, partitions, List.of(),
                groupConfigs.of(groupId).share().recordLockDurationMs());
        }
    }

    /** A request-level error (ShareFetchResponse carries no message for it; the broker logs none either). */
    private ShareFetchResponse error(Errors error, String message) {
        return ShareFetchResponse.of(error, 0, new LinkedHashMap<>(), List.of(),
            groupConfigs.of(null).share().recordLockDurationMs());
    }

    private static CompletableFuture<AbstractResponse> done(ShareFetchResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
