package io.wharf.kafka.fetch;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.network.LogSliceRecords;
import io.wharf.log.AbortedTransaction;
import io.wharf.log.FileSlice;
import io.wharf.log.Isolation;
import io.wharf.log.LogReadInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read pass over the partitions of a fetch request, building the response. It may run several times
 * for one request (a long poll re-reads when data arrives, and once more when the wait ends), from any
 * thread: it keeps no state between passes, and every pass looks the leaders up anew, so a partition
 * deleted or moved meanwhile is reported rather than read.
 *
 * <p>Size limits, as Kafka applies them (KIP-74): each partition gets at most its own max bytes and what
 * is left of the response's max bytes; the first batch of the first partition that has data is returned
 * whole even if it is larger than both, so a consumer can always make progress. The records are not copied:
 * each partition's data is a {@link LogSliceRecords}, a file range the connection sends with sendfile.
 */
final class FetchReader {
    private static final Logger LOG = LoggerFactory.getLogger(FetchReader.class);

    private final PartitionLeaders leaders;
    private final List<FetchTarget> targets;
    private final int responseMaxBytes;
    private final boolean readCommitted;

    /** What one pass found: the response, the record bytes in it, and whether any partition failed. */
    record Result(FetchResponseData response, long bytes, boolean hasError) {
    }

    FetchReader(PartitionLeaders leaders, List<FetchTarget> targets, int responseMaxBytes, boolean readCommitted) {
        this.leaders = leaders;
        this.targets = List.copyOf(targets);
        this.responseMaxBytes = responseMaxBytes;
        this.readCommitted = readCommitted;
    }

    boolean isEmpty() {
        return targets.stream().allMatch(t -> t.partitions().isEmpty());
    }

    /** The partitions this broker leads among the targets now (for a long poll to wait on). */
    Set<Partition> leaderPartitions() {
        Set<Partition> partitions = new LinkedHashSet<>();
        for (FetchTarget target : targets) {
            if (target.error() != null) continue;
            for (FetchTarget.PartitionTarget p : target.partitions()) {
                try {
                    partitions.add(leaders.leader(new PartitionId(target.topic(), p.partition())));
                } catch (RuntimeException e) {
                    // Reported by the read pass.
                }
            }
        }
        return partitions;
    }

    Result read() {
        FetchResponseData response = new FetchResponseData()
            .setThrottleTimeMs(0)
            .setErrorCode(Errors.NONE.code())
            .setSessionId(0); // sessionless: every fetch is a full fetch (KIP-227 allows a broker to decline)
        int remaining = responseMaxBytes;
        boolean minOneBatch = true;
        long bytes = 0;
        boolean hasError = false;
        for (FetchTarget target : targets) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic(target.topic() == null ? "" : target.topic())
                .setTopicId(target.topicId());
            for (FetchTarget.PartitionTarget p : target.partitions()) {
                FetchResponseData.PartitionData data;
                if (target.error() != null) {
                    data = FetchResponse.partitionResponse(p.partition(), target.error());
                } else {
                    data = readPartition(target.topic(), p, Math.min(p.maxBytes(), remaining), minOneBatch);
                }
                if (data.errorCode() != Errors.NONE.code()) hasError = true;
                int size = data.records() == null ? 0 : data.records().sizeInBytes();
                if (size > 0) {
                    minOneBatch = false;
                    remaining = Math.max(0, remaining - size);
                    bytes += size;
                }
                topic.partitions().add(data);
            }
            response.responses().add(topic);
        }
        return new Result(response, bytes, hasError);
    }

    /**
     * The aborted transactions a read_committed consumer must filter out of data read from {@code fetchOffset}:
     * bounded by the last stable offset, which the data never passes.
     */
    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(Partition partition, long fetchOffset,
                                                                                  long lastStableOffset) {
        List<AbortedTransaction> aborted = partition.abortedTransactions(fetchOffset, lastStableOffset);
        List<FetchResponseData.AbortedTransaction> result = new ArrayList<>(aborted.size());
        for (AbortedTransaction a : aborted) {
            result.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId())
                .setFirstOffset(a.firstOffset()));
        }
        return result;
    }

    private FetchResponseData.PartitionData readPartition(String topic, FetchTarget.PartitionTarget p, int maxBytes,
                                                          boolean minOneBatch) {
        PartitionId id = new PartitionId(topic, p.partition());
        try {
            Partition partition = leaders.leader(id);
            LogReadInfo info = partition.read(p.fetchOffset(), Math.max(0, maxBytes),
                readCommitted ? Isolation.LAST_STABLE : Isolation.HIGH_WATERMARK, minOneBatch);
            FileSlice slice = info.records();
            return new FetchResponseData.PartitionData()
                .setPartitionIndex(p.partition())
                .setErrorCode(Errors.NONE.code())
                .setHighWatermark(info.highWatermark())
                .setLastStableOffset(info.lastStableOffset())
                .setLogStartOffset(info.logStartOffset())
                .setAbortedTransactions(!readCommitted ? null : slice.isEmpty() ? new ArrayList<>()
                    : abortedTransactions(partition, p.fetchOffset(), info.lastStableOffset()))
                .setRecords(slice.isEmpty() ? MemoryRecords.EMPTY : new LogSliceRecords(slice));
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                LOG.error("Fetch from {} at offset {} failed", id, p.fetchOffset(), e);
            }
            return FetchResponse.partitionResponse(p.partition(), error);
        }
    }
}
