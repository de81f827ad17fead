package io.wharf.kafka.admin;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/**
 * CreateTopics: each topic with its partition count and replication factor ({@code -1} for the broker's
 * {@code num.partitions} / {@code default.replication.factor}) and config overrides, or only validated
 * ({@code validateOnly}). Errors are per topic: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG, and INVALID_REQUEST for a topic named
 * twice in one request.
 *
 * <p>Explicit replica assignments are refused with INVALID_REQUEST: Wharf places replicas itself, round
 * robin over the live brokers. From version 5 a result carries the partition count, replication factor and
 * every config of the topic (with its source), from version 7 the topic id, as Kafka returns them.
 */
final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final TopicManager topics;
    private final BlockingWork work;

    CreateTopicsHandler(TopicManager topics, BlockingWork work) {
        this.topics = topics;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, CreateTopicsRequest request) {
        return work.submit(() -> respond(ctx.apiVersion(), request));
    }

    private CreateTopicsResponse respond(short version, CreateTopicsRequest request) {
        Map<String, Integer> mentions = new HashMap<>();
        request.data().topics().forEach(t -> mentions.merge(t.name(), 1, Integer::sum));
        CreateTopicsResponseData.CreatableTopicResultCollection results = new CreateTopicsResponseData.CreatableTopicResultCollection();
        for (CreatableTopic topic : request.data().topics()) {
            if (results.find(topic.name()) != null) continue; // a duplicate is answered once
            CreatableTopicResult result;
            if (mentions.get(topic.name()) > 1) {
                result = failed(topic.name(), new ApiError(Errors.INVALID_REQUEST,
                    "Create topics request contains multiple entries for the topic " + topic.name()));
            } else {
                result = create(topic, request.data().validateOnly(), version);
            }
            results.add(result);
        }
        return new CreateTopicsResponse(new CreateTopicsResponseData().setTopics(results));
    }

    private CreatableTopicResult create(CreatableTopic topic, boolean validateOnly, short version) {
        try {
            if (!topic.assignments().isEmpty()) {
                if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                    throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
                }
                throw new InvalidRequestException("Explicit replica assignments are not supported: give the number of "
                    + "partitions and the replication factor, and the broker places the replicas");
            }
            Map<String, String> configs = new HashMap<>();
            for (CreatableTopicConfig c : topic.configs()) configs.put(c.name(), c.value());
            TopicMetadata created = topics.createTopic(topic.name(), topic.numPartitions(), topic.replicationFactor(),
                configs, validateOnly);
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name()).setErrorCode(Errors.NONE.code());
            if (version >= 5) {
                result.setNumPartitions(created.partitionCount())
                    .setReplicationFactor((short) created.replicaAssignment().get(0).size());
                topics.describeConfigs(configs).forEach(v -> result.configs().add(ConfigDescriptions.createdTopicEntry(v)));
            }
            if (version >= 7) result.setTopicId(TopicIdCodec.toUuid(created.topicId()));
            return result;
        } catch (RuntimeException e) {
            return failed(topic.name(), ErrorMapping.toApiError(e));
        }
    }

    private static CreatableTopicResult failed(String name, ApiError error) {
        return new CreatableTopicResult().setName(name).setErrorCode(error.error().code()).setErrorMessage(error.message())
            .setNumPartitions(-1).setReplicationFactor((short) -1);
    }
}
