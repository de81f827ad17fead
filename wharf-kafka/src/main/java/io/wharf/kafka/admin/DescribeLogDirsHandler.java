package io.wharf.kafka.admin;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import io.wharf.log.LogManager;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;


/**
 * DescribeLogDirs: for every log directory of this broker, the topic partitions stored in it (all of them,
 * or those asked) with their size in bytes, and from version 4 the directory's total and usable space.
 * Every replica here is current (offset lag 0) and none is a future replica: Wharf does not move replicas
 * between directories. A directory whose space cannot be read reports -1 for it.
 */
final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {
    private final TopicManager topics;
    private final LogManager logs;
    private final BlockingWork work;

    DescribeLogDirsHandler(TopicManager topics, LogManager logs, BlockingWork work) {
        this.topics = topics;
        this.logs = logs;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, DescribeLogDirsRequest request) {
        return work.submit(() -> respond(request));
    }

    private DescribeLogDirsResponse respond(DescribeLogDirsRequest request) {
        Map<String, Set<Integer>> wanted = null;
        if (!request.isAllTopicPartitions()) {
            wanted = new HashMap<>();
            for (DescribableLogDirTopic t : request.data().topics()) {
                wanted.computeIfAbsent(t.topic(), k -> new HashSet<>()).addAll(t.partitions());
            }
        }
        // Log directory -> topic -> partitions stored there, sorted for a stable answer.
        Map<Path, Map<String, List<DescribeLogDirsPartition>>> byDir = new HashMap<>();
        List<Partition> local = new ArrayList<>(topics.localPartitions());
        local.sort(Comparator.comparing(Partition::id));
        for (Partition p : local) {
            PartitionId id = p.id();
            if (wanted != null && !wanted.getOrDefault(id.topic(), Set.of()).contains(id.partition())) continue;
            Path dir = logs.logDirOf(id.logId()).orElse(null);
            if (dir == null) continue; // deleted meanwhile
            byDir.computeIfAbsent(dir, d -> new TreeMap<>()).computeIfAbsent(id.topic(), t -> new ArrayList<>())
                .add(new DescribeLogDirsPartition().setPartitionIndex(id.partition()).setPartitionSize(p.log().size())
                    .setOffsetLag(0).setIsFutureKey(false));
        }
        List<DescribeLogDirsResult> results = new ArrayList<>();
        for (Path dir : logs.dirs()) {
            List<DescribeLogDirsTopic> dirTopics = new ArrayList<>();
            byDir.getOrDefault(dir, Map.of()).forEach((topic, partitions) ->
                dirTopics.add(new DescribeLogDirsTopic().setName(topic).setPartitions(partitions)));
            long[] space = space(dir);
            results.add(new DescribeLogDirsResult().setLogDir(dir.toString()).setErrorCode(Errors.NONE.code())
                .setTopics(dirTopics).setTotalBytes(space[0]).setUsableBytes(space[1]));
        }
        return new DescribeLogDirsResponse(new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code()).setResults(results));
    }

    /** Total and usable bytes of the file system holding {@code dir}; -1 ({@link DescribeLogDirsResponse#UNKNOWN_VOLUME_BYTES}) if unknown. */
    private static long[] space(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return new long[] {store.getTotalSpace(), store.getUsableSpace()};
        } catch (IOException | SecurityException e) {
            return new long[] {DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES, DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES};
        }
    }
}
