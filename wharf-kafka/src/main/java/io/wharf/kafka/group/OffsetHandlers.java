package io.wharf.kafka.group;

import io.wharf.broker.topic.PartitionId;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * OffsetCommit, OffsetFetch (the single-group form before v8 and the multi-group form from v8) and
 * OffsetDelete on the wire. Topics are named, not identified: the topic-id versions (OffsetCommit and
 * OffsetFetch v10, still unstable in Kafka) are not offered.
 */
final class OffsetHandlers {
    private final OffsetCoordinator offsets;

    OffsetHandlers(OffsetCoordinator offsets) {
        this.offsets = offsets;
    }

    CompletableFuture<AbstractResponse> offsetCommit(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData d = request.data();
        List<OffsetCoordinator.Commit> commits = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : d.topics()) {
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                commits.add(new OffsetCoordinator.Commit(new PartitionId(t.name(), p.partitionIndex()), p.committedOffset(),
                    p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        Map<PartitionId, Errors> errors = offsets.commit(d.groupId(), d.generationIdOrMemberEpoch(), d.memberId(),
            d.groupInstanceId(), commits);
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : d.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic topic = new OffsetCommitResponseData.OffsetCommitResponseTopic()
                .setName(t.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                Errors error = errors.getOrDefault(new PartitionId(t.name(), p.partitionIndex()), Errors.UNKNOWN_SERVER_ERROR);
                topic.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
            response.topics().add(topic);
        }
        return CompletableFuture.completedFuture(new OffsetCommitResponse(response));
    }

    /** TxnOffsetCommit v0–4 (v5 belongs to transaction protocol 2, which this broker does not advertise). */
    CompletableFuture<AbstractResponse> txnOffsetCommit(RequestContext context, TxnOffsetCommitRequest request) {
        TxnOffsetCommitRequestData d = request.data();
        List<OffsetCoordinator.Commit> commits = new ArrayList<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : d.topics()) {
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                commits.add(new OffsetCoordinator.Commit(new PartitionId(t.name(), p.partitionIndex()), p.committedOffset(),
                    p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        Map<PartitionId, Errors> errors = offsets.commitTransactional(context.apiVersion(), d.transactionalId(), d.producerId(), d.producerEpoch(),
            d.groupId(), d.generationIdOrMemberEpoch(), d.memberId(), d.groupInstanceId(), commits);
        Map<TopicPartition, Errors> byPartition = new LinkedHashMap<>();
        for (OffsetCoordinator.Commit c : commits) {
            byPartition.put(new TopicPartition(c.partition().topic(), c.partition().partition()),
                errors.getOrDefault(c.partition(), Errors.UNKNOWN_SERVER_ERROR));
        }
        return CompletableFuture.completedFuture(new TxnOffsetCommitResponse(0, byPartition));
    }

    CompletableFuture<AbstractResponse> offsetFetch(RequestContext context, OffsetFetchRequest request) {
        List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            List<PartitionId> partitions = null;
            if (g.topics() != null) {
                partitions = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                    for (int p : t.partitionIndexes()) partitions.add(new PartitionId(t.name(), p));
                }
            }
            groups.add(fetchedGroup(g.groupId(), offsets.fetch(g.groupId(), g.memberId(), g.memberEpoch(), partitions,
                request.data().requireStable())));
        }
        // The builder turns the groups into the single-group layout of versions before 8.
        return CompletableFuture.completedFuture(new OffsetFetchResponse.Builder(groups).build(context.apiVersion()));
    }

    private static OffsetFetchResponseData.OffsetFetchResponseGroup fetchedGroup(String groupId,
                                                                                 OffsetCoordinator.FetchResult result) {
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        for (OffsetCoordinator.Fetched f : result.offsets()) {
            topics.computeIfAbsent(f.partition().topic(), name -> new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName(name))
                .partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                    .setPartitionIndex(f.partition().partition())
                    .setCommittedOffset(f.offset())
                    .setCommittedLeaderEpoch(f.leaderEpoch())
                    .setMetadata(f.metadata())
                    .setErrorCode(f.error().code()));
        }
        return new OffsetFetchResponseData.OffsetFetchResponseGroup()
            .setGroupId(groupId)
            .setErrorCode(result.error().code())
            .setTopics(new ArrayList<>(topics.values()));
    }

    CompletableFuture<AbstractResponse> offsetDelete(RequestContext context, OffsetDeleteRequest request) {
        OffsetDeleteRequestData d = request.data();
        List<PartitionId> partitions = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : d.topics()) {
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                partitions.add(new PartitionId(t.name(), p.partitionIndex()));
            }
        }
        OffsetCoordinator.DeleteResult result = offsets.delete(d.groupId(), partitions);
        OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(result.error().code());
        if (result.error() == Errors.NONE) {
            for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : d.topics()) {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic()
                    .setName(t.name());
                for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                    Errors error = result.partitions().getOrDefault(new PartitionId(t.name(), p.partitionIndex()), Errors.NONE);
                    topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
                response.topics().add(topic);
            }
        }
        return CompletableFuture.completedFuture(new OffsetDeleteResponse(response));
    }
}
