package io.wharf.kafka.admin;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics, by name and (version 6) by topic id. Per topic: UNKNOWN_TOPIC_OR_PARTITION or
 * UNKNOWN_TOPIC_ID when it does not exist, INVALID_REQUEST for a topic given twice or given by both name
 * and id, and with {@code delete.topic.enable=false} TOPIC_DELETION_DISABLED (INVALID_REQUEST before
 * version 3, whose clients do not know that code, as Kafka answers them). The broker core then only marks
 * the topic for deletion; it stays listed and usable.
 */
final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final TopicManager topics;
    private final BlockingWork work;

    DeleteTopicsHandler(TopicManager topics, BlockingWork work) {
        this.topics = topics;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, DeleteTopicsRequest request) {
        return work.submit(() -> respond(ctx.apiVersion(), request));
    }

    private DeleteTopicsResponse respond(short version, DeleteTopicsRequest request) {
        List<DeleteTopicState> asked = new ArrayList<>();
        if (version >= 6) {
            asked.addAll(request.data().topics());
        } else {
            request.data().topicNames().forEach(n -> asked.add(new DeleteTopicState().setName(n).setTopicId(Uuid.ZERO_UUID)));
        }
        Set<Object> seen = new HashSet<>();
        Set<Object> duplicates = new HashSet<>();
        for (DeleteTopicState t : asked) {
            Object key = t.name() != null ? t.name() : t.topicId();
            if (!seen.add(key)) duplicates.add(key);
        }
        DeleteTopicsResponseData.DeletableTopicResultCollection results = new DeleteTopicsResponseData.DeletableTopicResultCollection();
        Set<Object> answered = new HashSet<>();
        for (DeleteTopicState t : asked) {
            Object key = t.name() != null ? t.name() : t.topicId();
            if (!answered.add(key)) continue;
            results.add(duplicates.contains(key)
                ? failed(t.name(), t.topicId(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request: " + key))
                : delete(t, version));
        }
        return new DeleteTopicsResponse(new DeleteTopicsResponseData().setResponses(results));
    }

    private DeletableTopicResult delete(DeleteTopicState asked, short version) {
        boolean byId = !Uuid.ZERO_UUID.equals(asked.topicId());
        if (byId && asked.name() != null) {
            return failed(asked.name(), asked.topicId(),
                new ApiError(Errors.INVALID_REQUEST, "You may not specify both topic name and topic id."));
        }
        if (!byId && asked.name() == null) {
            return failed(null, asked.topicId(), new ApiError(Errors.INVALID_REQUEST, "Neither topic name nor id were specified."));
        }
        TopicMetadata topic = byId ? topics.topicById(TopicIdCodec.toText(asked.topicId())).orElse(null)
            : topics.topic(asked.name()).orElse(null);
        if (topic == null && byId) {
            return failed(null, asked.topicId(), new ApiError(Errors.UNKNOWN_TOPIC_ID, "Topic id " + asked.topicId() + " not found."));
        }
        String name = topic == null ? asked.name() : topic.name();
        Uuid id = topic == null ? Uuid.ZERO_UUID : TopicIdCodec.toUuid(topic.topicId());
        try {
            topics.deleteTopic(name);
            return new DeletableTopicResult().setName(name).setTopicId(id).setErrorCode(Errors.NONE.code());
        } catch (BrokerException e) {
            if (e.error() == BrokerError.TOPIC_DELETION_DISABLED && version < 3) {
                return failed(name, id, new ApiError(Errors.INVALID_REQUEST, e.getMessage()));
            }
            return failed(name, id, ErrorMapping.toApiError(e));
        } catch (RuntimeException e) {
            return failed(name, id, ErrorMapping.toApiError(e));
        }
    }

    private static DeletableTopicResult failed(String name, Uuid id, ApiError error) {
        return new DeletableTopicResult().setName(name).setTopicId(id).setErrorCode(error.error().code())
            .setErrorMessage(error.message());
    }
}
