package io.wharf.broker.queue;

import io.wharf.broker.message.HeadersDecoder;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageRecords;
import io.wharf.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A queue, as DESIGN.md defines it for every protocol: a single-partition log holding the messages in
 * arrival order, plus a {@link QueueCursor} saying which are settled, which are out with a consumer and
 * which wait. Messages live on disk; a bounded {@link MessageCache} of the newest ones spares a consumer
 * that keeps up the read back.
 *
 * <p>Durable queues journal every settlement ({@link CursorJournal}) before applying it, so a restart
 * redelivers nothing acknowledged; their persistent messages are confirmed once flushed to disk
 * ({@link LogFlusher}). A transient queue's log is deleted when the queue is.
 *
 * <p>Dispatch: consumers take turns (round robin) among those with credit; requeued messages go out before
 * new ones. A consumer that acknowledges nothing holds its deliveries until it acks, rejects, or goes away
 * ({@link #requeueAll}).
 *
 * <p>Thread-safety: every public method may be called from any thread; the state is guarded by this
 * queue's monitor. Consumers are called under it (see {@link QueueConsumer}).
 */
public final class MessageQueue {
    private static final long CACHE_BYTES = 1024 * 1024;

    private final QueueName name;
    private final QueueSettings settings;
    private final Log log;
    private final CursorJournal journal;
    private final LogFlusher flusher;
    private final QueueCursor cursor;
    private final MessageCache cache = new MessageCache(CACHE_BYTES);
    private final LogWindow window;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private int nextConsumer;
    private boolean deleted;
    /** Offsets auto-acknowledged during one dispatch pass, journalled together. */
    private long[] autoSettled = new long[64];
    private int autoSettledCount;

    /**
     * @param cursorLog the journal's log for a durable queue; null for a transient one
     */
    MessageQueue(QueueName name, QueueSettings settings, Log log, Log cursorLog, LogFlusher flusher,
                 HeadersDecoder headers) {
        this.name = name;
        this.settings = settings;
        this.log = log;
        this.flusher = flusher;
        this.window = new LogWindow(log, headers);
        if (cursorLog != null) {
            this.journal = new CursorJournal(cursorLog);
            this.cursor = journal.load(log.logStartOffset());
        } else {
            this.journal = null;
            this.cursor = new QueueCursor(log.logStartOffset());
        }
        if (cursor.floor() > log.logStartOffset() && cursor.floor() <= log.highWatermark()) {
            log.deleteRecordsBefore(cursor.floor());
        }
    }

    public QueueName name() { return name; }
    public QueueSettings settings() { return settings; }
    Log log() { return log; }

    /**
     * Appends a message; returns a future completed once the message is as safe as the queue promises:
     * at once for a transient message or queue, after it is flushed to disk for a persistent message on a
     * durable queue. Fails with {@link QueueDeletedException} if the queue is gone.
     */
    public CompletableFuture<Void> enqueue(Message message) {
        long offset;
        synchronized (this) {
            if (deleted) return CompletableFuture.failedFuture(new QueueDeletedException(name));
            offset = log.append(MessageRecords.batchOf(message)).firstOffset();
            log.highWatermarkToLogEnd();
            cache.appended(offset, message);
            dispatch();
        }
        if (settings.durable() && message.persistent()) return flusher.flushed(log, offset + 1);
        return CompletableFuture.completedFuture(null);
    }

    /** Adds a consumer and delivers to it what it has credit for. */
    public synchronized void addConsumer(QueueConsumer consumer) {
        if (deleted) throw new QueueDeletedException(name);
        consumers.add(consumer);
        dispatch();
    }

    /** Removes a consumer; its unacknowledged deliveries stay with it until it settles them or {@link #requeueAll}. */
    public synchronized boolean removeConsumer(QueueConsumer consumer) {
        return consumers.remove(consumer);
    }

    public synchronized int consumerCount() { return consumers.size(); }

    /** Call when a consumer may have gained credit (it acknowledged, its prefetch grew, its flow resumed). */
    public synchronized void creditAvailable() {
        dispatch();
    }

    /** Takes one message for {@code owner} (basic.get), or empty if none is ready. */
    public synchronized Optional<QueueMessage> get(long owner, boolean autoAck) {
        if (deleted) throw new QueueDeletedException(name);
        while (true) {
            long next = cursor.nextReady(log.logEndOffset());
            if (next < 0) return Optional.empty();
            Message m = message(next);
            if (m == null) {
                settleDropped(next);
                continue;
            }
            int count = cursor.deliver(next, owner);
            cache.releaseBelow(cursor.readOffset());
            if (autoAck) {
                settleNow(next);
            }
            return Optional.of(new QueueMessage(next, m, count));
        }
    }

    /** Acknowledges delivered messages; offsets not in flight are ignored (already settled). Reuses {@code offsets}. */
    public synchronized void ack(long[] offsets, int count) {
        int n = 0;
        long[] inFlight = offsets;
        for (int i = 0; i < count; i++) {
            if (cursor.isInFlight(offsets[i])) inFlight[n++] = offsets[i];
        }
        settle(inFlight, n);
        dispatch();
    }

    public void ack(long offset) {
        ack(new long[] {offset}, 1);
    }

    /** Returns delivered messages to the queue, to go out again (marked redelivered). */
    public synchronized void requeue(long[] offsets, int count) {
        for (int i = 0; i < count; i++) cursor.requeue(offsets[i]);
        dispatch();
    }

    /** Requeues everything {@code owner} holds (its channel or session went away); returns how many. */
    public synchronized int requeueAll(long owner) {
        int n = cursor.requeueAll(owner);
        if (n > 0) dispatch();
        return n;
    }

    /** Drops every ready message (not those out with consumers); returns how many. */
    public synchronized long purge() {
        long end = log.logEndOffset();
        List<Long> dropped = new ArrayList<>();
        long next;
        while ((next = cursor.nextReady(end)) >= 0) {
            cursor.deliver(next, QueueCursor.NO_OWNER);
            dropped.add(next);
        }
        long[] offsets = dropped.stream().mapToLong(Long::longValue).toArray();
        settle(offsets, offsets.length);
        cache.clear();
        window.clear();
        return offsets.length;
    }

    /** Ready messages: what a consumer could still get. */
    public synchronized long messageCount() { return cursor.readyCount(log.logEndOffset()); }

    /** Messages delivered and not yet settled. */
    public synchronized int unacknowledgedCount() { return cursor.inFlightCount(); }

    /** Marks the queue deleted and tells its consumers; the manager removes its logs. Returns the ready count. */
    synchronized long markDeleted() {
        long ready = cursor.readyCount(log.logEndOffset());
        deleted = true;
        for (QueueConsumer c : List.copyOf(consumers)) c.queueDeleted(this);
        consumers.clear();
        cache.clear();
        window.clear();
        return ready;
    }

    public synchronized boolean isDeleted() { return deleted; }

    private void dispatch() {
        if (consumers.isEmpty() || deleted) return;
        long end = log.logEndOffset();
        while (true) {
            long next = cursor.nextReady(end);
            if (next < 0) break;
            QueueConsumer consumer = nextConsumerWithCredit();
            if (consumer == null) break;
            Message m = message(next);
            if (m == null) {
                settleDropped(next);
                continue;
            }
            int count = cursor.deliver(next, consumer.ownerId());
            cache.releaseBelow(cursor.readOffset());
            if (consumer.autoAck()) autoSettle(next);
            consumer.deliver(this, new QueueMessage(next, m, count));
        }
        flushAutoSettled();
    }

    private QueueConsumer nextConsumerWithCredit() {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            QueueConsumer c = consumers.get(index);
            if (c.hasCredit()) {
                nextConsumer = (index + 1) % n;
                return c;
            }
        }
        return null;
    }

    private Message message(long offset) {
        Message m = cache.get(offset);
        return m != null ? m : window.read(offset);
    }

    private void autoSettle(long offset) {
        if (autoSettledCount == autoSettled.length) autoSettled = java.util.Arrays.copyOf(autoSettled, autoSettledCount * 2);
        autoSettled[autoSettledCount++] = offset;
    }

    private void flushAutoSettled() {
        if (autoSettledCount == 0) return;
        settle(autoSettled, autoSettledCount);
        autoSettledCount = 0;
    }

    private void settleNow(long offset) {
        settle(new long[] {offset}, 1);
    }

    /** A message the log no longer holds (below its start): settled without delivery. */
    private void settleDropped(long offset) {
        cursor.deliver(offset, QueueCursor.NO_OWNER);
        settleNow(offset);
    }

    private void settle(long[] offsets, int count) {
        if (count == 0) return;
        if (journal != null) journal.settled(offsets, count);
        for (int i = 0; i < count; i++) cursor.settle(offsets[i]);
        if (journal != null && journal.checkpointDue()) {
            journal.checkpoint(cursor);
            if (cursor.floor() > log.logStartOffset()) log.deleteRecordsBefore(Math.min(cursor.floor(), log.highWatermark()));
        } else if (journal == null && cursor.floor() - log.logStartOffset() > 10_000) {
            log.deleteRecordsBefore(Math.min(cursor.floor(), log.highWatermark()));
        }
    }

    @Override
    public String toString() { return "MessageQueue(" + name + ", " + cursor + ")"; }
}
