package io.wharf.kafka.metadata;

import io.wharf.broker.metadata.PartitionState;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * DescribeTopicPartitions (KIP-966, what {@code Admin.describeTopics} and {@code kafka-topics.sh --describe}
 * use on Kafka 4): the named topics, or all of them, in name order, with each partition's leader, epoch,
 * replicas, ISR and offline replicas, paged by a cursor. A response holds at most
 * {@code responsePartitionLimit} partitions (and never more than {@value #MAX_PARTITIONS}, Kafka's
 * {@code max.request.partition.size.limit}); {@code nextCursor} names where the next page starts. The
 * cursor's topic must be one of those asked for (INVALID_REQUEST otherwise); an unknown topic is answered
 * with UNKNOWN_TOPIC_OR_PARTITION. Wharf has no eligible leader replicas (KIP-966's ELR): those lists are
 * empty. Reads ZooKeeper (live brokers), so it runs on {@link BlockingWork}.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest> {
    static final int MAX_PARTITIONS = 2000;

    private final TopicManager topics;
    private final ZkMetadataStore metadata;
    private final BlockingWork work;

    DescribeTopicPartitionsHandler(TopicManager topics, ZkMetadataStore metadata, BlockingWork work) {
        this.topics = topics;
        this.metadata = metadata;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeTopicPartitionsRequest request) {
        return work.submit(() -> {
            try {
                return new DescribeTopicPartitionsResponse(respond(request.data()));
            } catch (InvalidRequestException e) {
                return request.getErrorResponse(0, e);
            }
        });
    }

    private DescribeTopicPartitionsResponseData respond(DescribeTopicPartitionsRequestData d) {
        TreeSet<String> names = new TreeSet<>();
        if (d.topics().isEmpty()) {
            topics.topics().forEach(t -> names.add(t.name()));
        } else {
            d.topics().forEach(t -> names.add(t.name()));
        }
        DescribeTopicPartitionsRequestData.Cursor cursor = d.cursor();
        int firstPartition = 0;
        if (cursor != null) {
            if (!names.contains(cursor.topicName())) {
                throw new InvalidRequestException("The cursor topic " + cursor.topicName()
                    + " must be one of the topics asked for");
            }
            if (cursor.partitionIndex() < 0) throw new InvalidRequestException("The cursor partition must not be negative");
            names.headSet(cursor.topicName()).clear();
            firstPartition = cursor.partitionIndex();
        }
        int budget = Math.min(Math.max(d.responsePartitionLimit(), 1), MAX_PARTITIONS);
        LiveBrokers brokers = LiveBrokers.read(metadata);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0);
        for (String name : names) {
            TopicMetadata topic = topics.topic(name).orElse(null);
            if (topic == null) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                    .setIsInternal(TopicNames.isInternal(name)).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                firstPartition = 0;
                continue;
            }
            if (budget == 0) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(name)
                    .setPartitionIndex(firstPartition));
                break;
            }
            DescribeTopicPartitionsResponseTopic answer = new DescribeTopicPartitionsResponseTopic().setName(name)
                .setTopicId(TopicIdCodec.toUuid(topic.topicId())).setIsInternal(TopicNames.isInternal(name))
                .setErrorCode(Errors.NONE.code()).setTopicAuthorizedOperations(AuthorizedOperations.topic());
            for (Map.Entry<Integer, List<Integer>> e : topic.replicaAssignment().entrySet()) {
                int index = e.getKey();
                if (index < firstPartition) continue;
                if (budget == 0) {
                    response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(name)
                        .setPartitionIndex(index));
                    break;
                }
                answer.partitions().add(partition(index, e.getValue(),
                    PartitionLeadership.of(topics, topic, index, e.getValue()), brokers));
                budget--;
            }
            response.topics().add(answer);
            firstPartition = 0;
            if (response.nextCursor() != null) break;
        }
        return response;
    }

    private static DescribeTopicPartitionsResponsePartition partition(int index, List<Integer> replicas, PartitionState state,
                                                                      LiveBrokers brokers) {
        boolean leaderLive = state.leader() != PartitionState.NO_LEADER && brokers.isLive(state.leader());
        return new DescribeTopicPartitionsResponsePartition().setPartitionIndex(index)
            .setErrorCode((leaderLive ? Errors.NONE : Errors.LEADER_NOT_AVAILABLE).code())
            .setLeaderId(leaderLive ? state.leader() : MetadataResponse.NO_LEADER_ID)
            .setLeaderEpoch(state.leaderEpoch())
            .setReplicaNodes(new ArrayList<>(replicas))
            .setIsrNodes(new ArrayList<>(state.isr()))
            .setEligibleLeaderReplicas(new ArrayList<>())
            .setLastKnownElr(new ArrayList<>())
            .setOfflineReplicas(replicas.stream().filter(r -> !brokers.isLive(r)).toList());
    }
}
