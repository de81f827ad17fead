package io.wharf.broker.topic;

import io.wharf.broker.BrokerError;
import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.OffsetOutOfRangeException;
import io.wharf.log.LogReadInfo;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An internal compacted topic that holds a coordinator's state ({@code __consumer_offsets},
 * {@code __transaction_state}): each key (a group, a transactional id) lives in partition
 * {@code abs(key.hashCode()) % partitionCount}, with Kafka's {@code abs}, so that Kafka and Wharf agree on
 * where a key is.
 *
 * <p>Life cycle: {@link #start} creates the topic if it does not exist yet, then runs the owner's
 * {@link Loader} over the local partitions, on a thread of its own. Until the load is done the topic is not
 * {@link #isActive() active}; its owner answers "loading" meanwhile. A failed start (ZooKeeper unreachable,
 * a broken log) leaves the topic startable again.
 *
 * <p>Writers of one partition serialise on {@link #lock(int)}, so that the order of two writes in the log
 * and in the owner's memory never differ.
 */
public final class InternalTopic {
    private static final Logger LOG = LoggerFactory.getLogger(InternalTopic.class);
    /** Kafka's {@code offsets.load.buffer.size} and {@code transaction.state.log.load.buffer.size}. */
    private static final int LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

    /** Where the topic is in its life cycle. */
    public enum State { NOT_STARTED, CREATING_TOPIC, LOADING, ACTIVE }

    /** Rebuilds its owner's state from the topic; runs once per start, on the loader thread. */
    public interface Loader {
        /** Reads the local partitions (see {@link #replay}); throws to fail the start. */
        void load(InternalTopic topic);

        /** Forgets whatever a failed load left behind. */
        void reset();
    }

    /** The futures of {@link #start}: the topic exists (its coordinator can be named); it is loaded. */
    public record Starting(CompletableFuture<Void> topicReady, CompletableFuture<Void> loaded) {
    }

    private final TopicManager topics;
    private final String name;
    private final int configuredPartitions;
    private final short replicationFactor;
    private final Map<String, String> configs;
    private final Executor loaderThread;
    private volatile State state = State.NOT_STARTED;
    private volatile int partitionCount;
    private volatile Object[] partitionLocks;
    private CompletableFuture<Void> topicReady;
    private CompletableFuture<Void> loaded;

    /**
     * @param configuredPartitions partitions to create the topic with (used only if it must be created)
     * @param replicationFactor    likewise
     */
    public InternalTopic(TopicManager topics, String name, int configuredPartitions, short replicationFactor,
                         Map<String, String> configs) {
        this.topics = topics;
        this.name = name;
        this.configuredPartitions = configuredPartitions;
        this.replicationFactor = replicationFactor;
        this.configs = Map.copyOf(configs);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "wharf-load-" + name);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // nothing to shut down: the thread ends when idle
        this.loaderThread = pool;
    }

    /** The partition of a topic with {@code partitionCount} partitions that holds {@code key}. */
    public static int partitionFor(String key, int partitionCount) {
        int hash = key.hashCode();
        int abs = hash == Integer.MIN_VALUE ? 0 : Math.abs(hash);
        return abs % partitionCount;
    }

    public String name() { return name; }

    public State state() { return state; }

    public boolean isActive() { return state == State.ACTIVE; }

    /** Whether the topic exists already, so that a start only loads. */
    public boolean exists() { return topics.topic(name).isPresent(); }

    /** Starts unless started or starting; see the class comment. */
    public synchronized Starting start(Loader loader) {
        if (state == State.NOT_STARTED) {
            state = State.CREATING_TOPIC;
            topicReady = new CompletableFuture<>();
            loaded = new CompletableFuture<>();
            CompletableFuture<Void> ready = topicReady;
            CompletableFuture<Void> done = loaded;
            loaderThread.execute(() -> createAndLoad(loader, ready, done));
        }
        return new Starting(topicReady, loaded);
    }

    private void createAndLoad(Loader loader, CompletableFuture<Void> ready, CompletableFuture<Void> done) {
        try {
            TopicMetadata topic = topics.topic(name).orElseGet(this::createTopic);
            int count = topic.partitionCount();
            Object[] locks = new Object[count];
            for (int i = 0; i < count; i++) locks[i] = new Object();
            partitionLocks = locks;
            partitionCount = count;
            state = State.LOADING;
            ready.complete(null);
            loader.load(this);
            state = State.ACTIVE;
            done.complete(null);
        } catch (RuntimeException e) {
            LOG.error("Could not load {}; it will be retried on the next request that needs it", name, e);
            loader.reset();
            synchronized (this) {
                state = State.NOT_STARTED;
            }
            ready.completeExceptionally(e);
            done.completeExceptionally(e);
        }
    }

    private TopicMetadata createTopic() {
        try {
            return topics.createTopic(name, configuredPartitions, replicationFactor, configs, false);
        } catch (BrokerException e) {
            if (e.error() != BrokerError.TOPIC_ALREADY_EXISTS) throw e;
            // Created meanwhile (another broker): ZooKeeper has it even if our topic cache does not yet.
            topics.refresh();
            return topics.topic(name).orElseThrow(() -> e);
        }
    }

    /** Partitions of the topic; 0 until it is known. */
    public int partitionCount() { return partitionCount; }

    /** The partition that holds {@code key}; only once the topic exists. */
    public int partitionFor(String key) {
        int count = partitionCount;
        if (count == 0) throw new IllegalStateException("The topic " + name + " is not known yet (state " + state + ")");
        return partitionFor(key, count);
    }

    /** The lock writers of partition {@code p} hold; see the class comment. */
    public Object lock(int p) { return partitionLocks[p]; }

    /** Partition {@code p} if hosted here; NOT_LEADER_OR_FOLLOWER otherwise. */
    public Partition localPartition(int p) {
        PartitionId id = new PartitionId(name, p);
        return topics.partition(id).orElseThrow(() -> new BrokerException(BrokerError.NOT_LEADER_OR_FOLLOWER,
            "Partition " + id + " of " + name + " is not hosted on this broker"));
    }

    /** Calls {@code visitor} with partition {@code p} of each local partition, in partition order. */
    public void forEachLocalPartition(Consumer<Partition> visitor) {
        for (int p = 0; p < partitionCount; p++) {
            topics.partition(new PartitionId(name, p)).ifPresent(visitor);
        }
    }

    /**
     * Reads every batch of {@code partition} from its log start to its log end, whole batches at a time, in
     * offset order. The batches are views of a buffer reused for the next read: copy what must outlive the
     * call.
     */
    public static void replay(Partition partition, Consumer<RecordBatch> visitor) {
        replay(partition.log(), visitor);
    }

    /** As {@link #replay(Partition, Consumer)}, for any log. */
    public static void replay(Log log, Consumer<RecordBatch> visitor) {
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        while (offset < end) {
            LogReadInfo read;
            ByteBuffer buffer;
            try {
                read = log.read(offset, LOAD_BUFFER_BYTES, Isolation.LOG_END, true);
                if (read.records().isEmpty()) break;
                buffer = read.records().readFully();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + log + " at offset " + offset, e);
            } catch (OffsetOutOfRangeException e) {
                throw new BrokerException(BrokerError.OFFSET_OUT_OF_RANGE, log + ": " + e.getMessage(), e);
            }
            long next = offset;
            RecordBatchIterator batches = new RecordBatchIterator(buffer);
            while (batches.hasNext()) {
                RecordBatch batch = batches.next();
                visitor.accept(batch);
                next = batch.nextOffset();
            }
            if (next <= offset) {
                LOG.warn("Loading {} made no progress at offset {} (log end {}); stopping there", log, offset, end);
                break;
            }
            offset = next;
        }
    }
}
