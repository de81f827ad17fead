package io.wharf.kafka.admin;

import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions: raises a topic's partition count (never lowers it), or only validates. Per topic:
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS for a count not above the current one, INVALID_REQUEST for
 * a topic named twice. Explicit assignments of the new partitions are refused with INVALID_REQUEST: the
 * broker places them round robin, as for a new topic.
 */
final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final TopicManager topics;
    private final BlockingWork work;

    CreatePartitionsHandler(TopicManager topics, BlockingWork work) {
        this.topics = topics;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, CreatePartitionsRequest request) {
        return work.submit(() -> respond(request));
    }

    private CreatePartitionsResponse respond(CreatePartitionsRequest request) {
        Map<String, Integer> mentions = new HashMap<>();
        request.data().topics().forEach(t -> mentions.merge(t.name(), 1, Integer::sum));
        List<CreatePartitionsTopicResult> results = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            if (!answered.add(topic.name())) continue;
            ApiError error = mentions.get(topic.name()) > 1
                ? new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request: " + topic.name())
                : grow(topic, request.data().validateOnly());
            results.add(new CreatePartitionsTopicResult().setName(topic.name()).setErrorCode(error.error().code())
                .setErrorMessage(error.message()));
        }
        return new CreatePartitionsResponse(new CreatePartitionsResponseData().setResults(results));
    }

    private ApiError grow(CreatePartitionsTopic topic, boolean validateOnly) {
        if (topic.assignments() != null) {
            return new ApiError(Errors.INVALID_REQUEST, "Explicit replica assignments are not supported: give only the "
                + "new partition count, and the broker places the new replicas");
        }
        try {
            topics.createPartitions(topic.name(), topic.count(), validateOnly);
            return ApiError.NONE;
        } catch (RuntimeException e) {
            return ErrorMapping.toApiError(e);
        }
    }
}
