package io.wharf.kafka.fetch;

import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import io.wharf.log.TopicCompression;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch (v4+, every version Kafka 4 knows): reads each partition from its fetch offset up to the high
 * watermark and answers at once if that gives {@code min.bytes} (or any partition fails, or the client
 * will not wait); otherwise the request becomes a {@link DelayedFetch} that answers when an append brings
 * enough data or {@code max.wait.ms} passes. Nothing blocks the event loop: the first read runs here
 * (index lookups only; records are sent later straight from the file), the waiting holds no thread.
 *
 * <p>Topics are named by name up to v12 and by topic id from v13 (an unknown id is UNKNOWN_TOPIC_ID).
 * READ_COMMITTED reads to the last stable offset (the oldest undecided transaction) and lists the aborted
 * transactions in the data read, which the consumer filters out. Fetch sessions (KIP-227) are declined: every response carries session id 0, which
 * tells the client to keep sending full fetches; a request for an incremental fetch in a session this
 * broker never created gets FETCH_SESSION_ID_NOT_FOUND, as from a broker whose session cache is full.
 * Follower fetches (replica id >= 0) are served like a consumer's until replication exists.
 */
final class FetchHandler implements ApiHandler<FetchRequest> {
    /** Before v10 (KIP-110) a fetcher cannot read zstd; Kafka refuses zstd topics to it. */
    private static final short MIN_VERSION_FOR_ZSTD = 10;

    private final TopicManager topics;
    private final PartitionLeaders leaders;
    private final ScheduledExecutorService scheduler;

    FetchHandler(TopicManager topics, PartitionLeaders leaders, ScheduledExecutorService scheduler) {
        this.topics = topics;
        this.leaders = leaders;
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (!request.metadata().isFull()) {
            return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID)));
        }
        List<FetchTarget> targets = new ArrayList<>(data.topics().size());
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            targets.add(resolve(context.apiVersion(), topic));
        }
        int maxBytes = request.maxBytes();
        FetchReader reader = new FetchReader(leaders, targets, maxBytes,
            request.isolationLevel() == IsolationLevel.READ_COMMITTED);
        FetchReader.Result first = reader.read();
        long minBytes = Math.min(request.minBytes(), maxBytes);
        if (request.maxWait() <= 0 || reader.isEmpty() || first.bytes() >= minBytes || first.hasError()) {
            return CompletableFuture.completedFuture(FetchResponse.of(first.response()));
        }
        return new DelayedFetch(reader, minBytes).start(scheduler, request.maxWait());
    }

    private FetchTarget resolve(short version, FetchRequestData.FetchTopic topic) {
        List<FetchTarget.PartitionTarget> partitions = new ArrayList<>(topic.partitions().size());
        for (FetchRequestData.FetchPartition p : topic.partitions()) {
            partitions.add(new FetchTarget.PartitionTarget(p.partition(), p.fetchOffset(), p.partitionMaxBytes()));
        }
        Optional<TopicMetadata> metadata;
        if (version >= 13) {
            metadata = Uuid.ZERO_UUID.equals(topic.topicId()) ? Optional.empty()
                : topics.topicById(TopicIdCodec.toText(topic.topicId()));
            if (metadata.isEmpty()) return new FetchTarget(null, topic.topicId(), Errors.UNKNOWN_TOPIC_ID, partitions);
        } else {
            // An unknown name is reported per partition by the read (UNKNOWN_TOPIC_OR_PARTITION).
            metadata = topics.topic(topic.topic());
        }
        String name = metadata.map(TopicMetadata::name).orElse(topic.topic());
        Uuid id = metadata.map(t -> TopicIdCodec.toUuid(t.topicId())).orElse(topic.topicId());
        if (version < MIN_VERSION_FOR_ZSTD && metadata.isPresent() && isZstd(metadata.get())) {
            return new FetchTarget(name, id, Errors.UNSUPPORTED_COMPRESSION_TYPE, partitions);
        }
        return new FetchTarget(name, id, null, partitions);
    }

    /** Whether the topic stores zstd: its compression.type, whether overridden or the broker's default. */
    private boolean isZstd(TopicMetadata topic) {
        return topics.logConfig(topic).compressionType() == TopicCompression.ZSTD;
    }
}
