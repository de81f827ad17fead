package io.wharf.broker.bridge;

import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.AbortedTransaction;
import io.wharf.log.Isolation;
import io.wharf.log.LogReadInfo;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one Kafka topic for another protocol (MQTT subscribers of a Kafka topic): every record committed to any
 * of its partitions is handed to a {@link RecordSink}, in each partition's order, as a {@code read_committed}
 * consumer would see it — below the last stable offset, without control batches or the records of aborted
 * transactions.
 *
 * <p>Records are read a chunk at a time. A partition's position ({@link FeedPositions}) moves past a chunk only
 * once the sink has stored every record of it (every future it returned completed normally), so each record is
 * handed on at least once, across a crash too; a failed future means "try again" and the chunk is handed on
 * again a second later (its earlier records may then arrive twice: at least once, never lost). A feed started
 * for the first time begins at the log end: it carries what is appended from then on, not the topic's history.
 *
 * <p>Appends wake the feed (a read waiter per partition); a rescan every second picks up partitions added, and a
 * topic deleted and created again (whose new partitions are read from their start). Everything but the wake-up
 * runs on the {@link TopicFeeds} thread.
 */
public final class TopicFeed {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    private static final int CHUNK_BYTES = 256 * 1024;

    /** Where a feed's records go. */
    @FunctionalInterface
    public interface RecordSink {
        /**
         * Stores {@code record} of {@code partition}; the future completes once it is as safe as the destination
         * promises. Refusals that a retry cannot cure (a destination's own limits) must complete it normally:
         * a failed future makes the feed hand the record on again.
         */
        CompletableFuture<?> accept(PartitionId partition, Record record);
    }

    private final String name;
    private final String topic;
    private final TopicManager topics;
    private final FeedPositions positions;
    private final ScheduledExecutorService thread;
    private final RecordSink sink;
    private final Map<Integer, Tail> tails = new HashMap<>();
    private volatile boolean closed;

    TopicFeed(String name, String topic, TopicManager topics, FeedPositions positions, ScheduledExecutorService thread,
              RecordSink sink) {
        this.name = name;
        this.topic = topic;
        this.topics = topics;
        this.positions = positions;
        this.thread = thread;
        this.sink = sink;
    }

    public String name() { return name; }

    public String topic() { return topic; }

    /** Finds the topic's partitions and reads what is new; the feeds' thread calls it every second. */
    void rescan() {
        if (closed) return;
        Optional<TopicMetadata> metadata = topics.topic(topic);
        int count = metadata.map(TopicMetadata::partitionCount).orElse(0);
        for (Iterator<Map.Entry<Integer, Tail>> it = tails.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Tail> e = it.next();
            Optional<Partition> now = e.getKey() < count ? topics.partition(e.getValue().id) : Optional.empty();
            if (now.isEmpty() || now.get() != e.getValue().partition) {
                e.getValue().detach();
                it.remove();
            }
        }
        for (int p = 0; p < count; p++) {
            Tail tail = tails.get(p);
            if (tail == null) {
                Optional<Partition> partition = topics.partition(new PartitionId(topic, p));
                if (partition.isEmpty()) continue;
                tail = new Tail(partition.get(), start(partition.get()));
                tails.put(p, tail);
                partition.get().addReadWaiter(tail.waiter);
            }
            drain(tail);
        }
    }

    /** Stops following: no record is handed on after this returns on the feeds' thread. */
    void close() {
        closed = true;
        for (Tail t : tails.values()) t.detach();
        tails.clear();
    }

    /** The stored position, kept inside the log (a topic created again starts over); else the log end, stored. */
    private long start(Partition partition) {
        OptionalLong stored = positions.get(name, partition.id());
        if (stored.isPresent()) {
            long p = stored.getAsLong();
            return p < partition.logStartOffset() || p > partition.logEndOffset() ? partition.logStartOffset() : p;
        }
        long end = partition.logEndOffset();
        positions.put(name, partition.id(), end);
        return end;
    }

    private void drain(Tail t) {
        while (!t.inFlight && !t.detached && !closed) {
            Partition partition = t.partition;
            if (t.next < partition.logStartOffset()) {
                LOG.warn("Feed {} lost records {}..{} of {} to retention before handing them on", name, t.next,
                    partition.logStartOffset() - 1, t.id);
                t.next = partition.logStartOffset();
            }
            if (t.next >= partition.lastStableOffset()) return;
            ByteBuffer records;
            List<AbortedTransaction> aborted;
            try {
                LogReadInfo info = partition.read(t.next, CHUNK_BYTES, Isolation.LAST_STABLE, true);
                records = info.records().readFully();
                aborted = partition.abortedTransactions(t.next, info.lastStableOffset());
            } catch (BrokerException | IOException e) {
                LOG.warn("Feed {} cannot read {} at offset {} (retried in a second): {}", name, t.id, t.next, e.toString());
                return;
            }
            if (!records.hasRemaining()) return;
            List<CompletableFuture<?>> stored = new ArrayList<>();
            long end = handOn(t, records, aborted, stored);
            if (stored.isEmpty()) {
                advance(t, end);
                continue;
            }
            t.inFlight = true;
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> run(() -> {
                t.inFlight = false;
                if (e != null) {
                    LOG.warn("Feed {}: records of {} from offset {} not stored, handed on again in a second: {}", name,
                        t.id, t.next, e.toString());
                    return;
                }
                advance(t, end);
                drain(t);
            }));
            return;
        }
    }

    /** Hands the chunk's records at or past the tail's position to the sink; returns the offset after the chunk. */
    private long handOn(Tail t, ByteBuffer records, List<AbortedTransaction> aborted, List<CompletableFuture<?>> stored) {
        // A read_committed consumer's rule: a producer's transactional batches from the first offset of its aborted
        // transaction on are skipped, until that transaction's marker (a control batch).
        Set<Long> abortedProducers = new HashSet<>();
        int nextAborted = 0;
        long end = t.next;
        RecordBatchIterator batches = new RecordBatchIterator(records);
        while (batches.hasNext()) {
            RecordBatch batch = batches.next();
            end = Math.max(end, batch.nextOffset());
            while (nextAborted < aborted.size() && aborted.get(nextAborted).firstOffset() <= batch.lastOffset()) {
                abortedProducers.add(aborted.get(nextAborted++).producerId());
            }
            if (batch.isControl()) {
                abortedProducers.remove(batch.producerId());
                continue;
            }
            if (batch.isTransactional() && abortedProducers.contains(batch.producerId())) continue;
            long from = t.next;
            RecordDecoder.forEach(batch, record -> {
                if (record.offset() < from) return;
                try {
                    stored.add(sink.accept(t.id, record));
                } catch (RuntimeException e) {
                    stored.add(CompletableFuture.failedFuture(e));
                }
            });
        }
        return end;
    }

    private void advance(Tail t, long end) {
        if (end <= t.next) return;
        t.next = end;
        positions.put(name, t.id, end);
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // The feeds are closing: what was not stored is handed on after the restart.
        }
    }

    /** One partition being followed. */
    private final class Tail {
        final PartitionId id;
        final Partition partition;
        final AtomicBoolean wakeQueued = new AtomicBoolean();
        final Runnable waiter = this::wake;
        long next;
        boolean inFlight;
        boolean detached;

        Tail(Partition partition, long next) {
            this.id = partition.id();
            this.partition = partition;
            this.next = next;
        }

        /** An append happened (any thread): one drain queued, however many appends wake it meanwhile. */
        void wake() {
            if (!wakeQueued.compareAndSet(false, true)) return;
            run(() -> {
                wakeQueued.set(false);
                drain(this);
            });
        }

        void detach() {
            detached = true;
            partition.removeReadWaiter(waiter);
        }
    }
}
