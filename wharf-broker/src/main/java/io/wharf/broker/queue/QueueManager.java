package io.wharf.broker.queue;

import io.wharf.broker.message.PropertiesCodec;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogId;
import io.wharf.log.LogManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues of this broker and their logs: each queue is partition 0 of a log named by
 * {@link QueueName#logName()}, a durable queue has a second log for its cursor journal. Queue logs keep
 * everything until the cursor settles it (no time or size retention); the cursor moves their start.
 *
 * <p>Which queues exist is the virtual hosts' business (their definitions are in ZooKeeper); this class
 * only opens, finds and deletes the storage. Thread-safe.
 */
public final class QueueManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueManager.class);
    private static final String LOG_PREFIX = "q~";

    private final LogManager logs;
    private final LogConfig queueLogConfig;
    private final LogConfig cursorLogConfig;
    private final PropertiesCodec codec;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-queue-timers");
        t.setDaemon(true);
        return t;
    });
    private final LogFlusher flusher = new LogFlusher();
    private final Map<QueueName, MessageQueue> queues = new ConcurrentHashMap<>();

    public QueueManager(LogManager logs, LogConfig defaults, PropertiesCodec codec) {
        this.logs = logs;
        // No record-size limit of the log's own: the protocol bounds a message (AMQP: 16 MiB), and a batch
        // of a publisher's burst may hold many of them.
        this.queueLogConfig = defaults.toBuilder().retentionMs(-1).retentionBytes(-1)
            .cleanupPolicy(LogConfig.CleanupPolicy.DELETE).maxMessageBytes(Integer.MAX_VALUE).build();
        this.cursorLogConfig = queueLogConfig.toBuilder().segmentBytes(4 * 1024 * 1024).maxIndexSize(64 * 1024).build();
        this.codec = codec;
    }

    /**
     * Opens a queue's storage, creating it if new; a durable queue recovers its cursor from its journal.
     * Its dead letters go to {@code sink}.
     */
    public synchronized MessageQueue open(QueueName name, QueueSettings settings, DeadLetterSink sink) {
        MessageQueue existing = queues.get(name);
        if (existing != null) return existing;
        // Lane i of a priority queue is partition i of the queue's logs.
        List<Log> laneLogs = new ArrayList<>();
        List<Log> cursorLogs = settings.durable() ? new ArrayList<>() : null;
        for (int lane = 0; lane < MessageQueue.laneCount(settings); lane++) {
            laneLogs.add(logs.getOrCreateLog(new LogId(name.logName(), lane), queueLogConfig));
            if (cursorLogs != null) cursorLogs.add(logs.getOrCreateLog(new LogId(name.cursorLogName(), lane), cursorLogConfig));
        }
        MessageQueue queue = new MessageQueue(name, settings, laneLogs, cursorLogs, flusher, codec, sink, timers);
        queues.put(name, queue);
        return queue;
    }

    public MessageQueue get(QueueName name) { return queues.get(name); }

    /** Deletes a queue and its logs; returns how many ready messages it held. */
    public synchronized long delete(MessageQueue queue) {
        long ready = queue.markDeleted();
        queues.remove(queue.name(), queue);
        for (int lane = 0; lane < MessageQueue.laneCount(queue.settings()); lane++) {
            logs.deleteLog(new LogId(queue.name().logName(), lane));
            logs.deleteLog(new LogId(queue.name().cursorLogName(), lane));
        }
        return ready;
    }

    /**
     * Deletes the logs of queues that no longer exist: transient queues of an earlier run, and queues whose
     * definition was deleted while this broker was down. Call once at start-up, with the durable queues.
     */
    public synchronized void deleteOrphans(Set<QueueName> durable) {
        Set<String> keep = ConcurrentHashMap.newKeySet();
        for (QueueName q : durable) {
            keep.add(q.logName());
            keep.add(q.cursorLogName());
        }
        for (LogId id : Set.copyOf(logs.allLogs().keySet())) {
            if (id.name().startsWith(LOG_PREFIX) && !keep.contains(id.name())) {
                LOG.info("Deleting {}: its queue is transient or gone", id);
                logs.deleteLog(id);
            }
        }
    }

    /** The timer thread of queue policies (TTL, x-expires); tasks must be quick. */
    public ScheduledExecutorService timers() { return timers; }

    @Override
    public void close() {
        timers.shutdownNow();
        flusher.close();
    }
}
