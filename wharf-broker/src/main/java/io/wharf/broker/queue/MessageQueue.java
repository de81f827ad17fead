package io.wharf.broker.queue;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageRecords;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
 * <p>Dispatch: consumers take turns (round robin) among those with credit — or only the first, for a
 * single-active-consumer queue; requeued messages go out before new ones. A consumer that acknowledges
 * nothing holds its deliveries until it acks, rejects, or goes away ({@link #requeueAll}).
 *
 * <p>Policies ({@link QueueSettings}), as RabbitMQ applies them: a message expires (queue TTL or its own
 * expiration) when it reaches the head of the queue past its deadline, found by a timer even without
 * consumers; the length limits count ready messages only, and drop the head or refuse the newcomer; an
 * expired, dropped or rejected message goes to the dead-letter exchange, if there is one, with its
 * {@code x-death} history ({@link DeadLetters}).
 *
 * <p>Thread-safety: every public method may be called from any thread; the state is guarded by this
 * queue's monitor. Consumers are called under it (see {@link QueueConsumer}); dead letters are published
 * after it is released, since routing them may enqueue into other queues.
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
    private final DeadLetters deadLetters;
    private final ScheduledExecutorService timers;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private int nextConsumer;
    private boolean deleted;
    /** Body bytes of the ready messages (kept only when {@code x-max-length-bytes} is set). */
    private long readyBytes;
    /** Whether any message may carry a deadline, so that the head must be watched. */
    private boolean expiryPossible;
    private ScheduledFuture<?> expiryTimer;
    private long expiryAt = Long.MAX_VALUE;
    private volatile long lastUsedMs = System.currentTimeMillis();
    /** Offsets auto-acknowledged during one dispatch pass, journalled together. */
    private long[] autoSettled = new long[64];
    private int autoSettledCount;

    /**
     * @param cursorLog the journal's log for a durable queue; null for a transient one
     */
    MessageQueue(QueueName name, QueueSettings settings, Log log, Log cursorLog, LogFlusher flusher,
                 PropertiesCodec codec, DeadLetterSink sink, ScheduledExecutorService timers) {
        this.name = name;
        this.settings = settings;
        this.log = log;
        this.flusher = flusher;
        this.timers = timers;
        this.window = new LogWindow(log, codec);
        this.deadLetters = new DeadLetters(name, settings, codec, sink);
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
        synchronized (this) {
            if (settings.maxLengthBytes() >= 0) readyBytes = sumReadyBytes();
            expiryPossible = true; // whatever was stored may have deadlines: look at the head once
            armExpiry();
        }
    }

    public QueueName name() { return name; }
    public QueueSettings settings() { return settings; }
    Log log() { return log; }

    /** When a consumer, a get or a declaration last used the queue ({@code x-expires}). */
    public long lastUsedMs() { return lastUsedMs; }

    /** The queue was used (declared again): its {@code x-expires} clock starts over. */
    public void touch() { lastUsedMs = System.currentTimeMillis(); }

    /**
     * Appends a message; returns a future completed once the message is as safe as the queue promises:
     * at once for a transient message or queue, after it is flushed to disk for a persistent message on a
     * durable queue. Fails with {@link QueueFullException} when a length limit refuses it, and with
     * {@link QueueDeletedException} if the queue is gone.
     */
    public CompletableFuture<Void> enqueue(Message message) {
        return enqueue(List.of(message));
    }

    /**
     * Appends messages, in order, as one batch of the log (one write for all: a publisher's burst costs one
     * system call); the future completes once all are as safe as the queue promises (see
     * {@link #enqueue(Message)}). With a reject-publish limit the messages are taken one by one, and the
     * future fails with {@link QueueFullException} if any was refused.
     */
    public CompletableFuture<Void> enqueue(List<Message> messages) {
        if (settings.overflow() != QueueSettings.Overflow.DROP_HEAD && messages.size() > 1) {
            CompletableFuture<?>[] each = new CompletableFuture<?>[messages.size()];
            for (int i = 0; i < each.length; i++) each[i] = enqueue(List.of(messages.get(i)));
            return CompletableFuture.allOf(each);
        }
        long last;
        boolean persistent = false;
        synchronized (this) {
            if (deleted) return CompletableFuture.failedFuture(new QueueDeletedException(name));
            if (messages.size() == 1 && refusesNewcomer(messages.get(0))) {
                if (settings.overflow() == QueueSettings.Overflow.REJECT_PUBLISH_DLX) deadLetters.add(messages.get(0), "maxlen");
                last = -1;
            } else {
                long first = log.append(MessageRecords.batchOf(messages)).firstOffset();
                log.highWatermarkToLogEnd();
                long earliestDeadline = Long.MAX_VALUE;
                for (int i = 0; i < messages.size(); i++) {
                    Message m = messages.get(i);
                    cache.appended(first + i, m);
                    if (settings.maxLengthBytes() >= 0) readyBytes += m.size();
                    persistent |= m.persistent();
                    earliestDeadline = Math.min(earliestDeadline, m.deadline(settings.messageTtlMs()));
                }
                last = first + messages.size() - 1;
                dropHeadsOverLimit();
                if (earliestDeadline != Long.MAX_VALUE) expiryPossible = true;
                dispatch();
                if (earliestDeadline < expiryAt) armExpiry();
            }
        }
        deadLetters.publish();
        if (last < 0) return CompletableFuture.failedFuture(new QueueFullException(name));
        if (settings.durable() && persistent) return flusher.flushed(log, last + 1);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Adds a consumer and delivers to it what it has credit for.
     *
     * @throws QueueInUseException if an exclusive consumer has the queue, or {@code consumer} is exclusive
     *     and the queue has consumers
     */
    public void addConsumer(QueueConsumer consumer) {
        synchronized (this) {
            if (deleted) throw new QueueDeletedException(name);
            if (!consumers.isEmpty() && (consumer.exclusive() || consumers.get(0).exclusive())) {
                throw new QueueInUseException(name);
            }
            consumers.add(consumer);
            touch();
            dispatch();
        }
        deadLetters.publish();
    }

    /** Removes a consumer; its unacknowledged deliveries stay with it until it settles them or {@link #requeueAll}. */
    public synchronized boolean removeConsumer(QueueConsumer consumer) {
        touch();
        int index = consumers.indexOf(consumer);
        if (index < 0) return false;
        consumers.remove(index);
        if (nextConsumer > index) nextConsumer--;
        // A single active consumer's successor takes over at once.
        if (index == 0 && settings.singleActiveConsumer()) dispatch();
        return true;
    }

    public synchronized int consumerCount() { return consumers.size(); }

    /** Call when a consumer may have gained credit (it acknowledged, its prefetch grew, its flow resumed). */
    public void creditAvailable() {
        synchronized (this) {
            dispatch();
        }
        deadLetters.publish();
    }

    /** Takes one message for {@code owner} (basic.get), or empty if none is ready. */
    public Optional<QueueMessage> get(long owner, boolean autoAck) {
        Optional<QueueMessage> got;
        synchronized (this) {
            if (deleted) throw new QueueDeletedException(name);
            touch();
            got = Optional.empty();
            long now = System.currentTimeMillis();
            long next;
            while ((next = cursor.nextReady(log.logEndOffset())) >= 0) {
                Message m = readyMessage(next, now);
                if (m == null) continue;
                int count = cursor.deliver(next, owner);
                taken(m);
                if (autoAck) settle(new long[] {next}, 1);
                got = Optional.of(new QueueMessage(next, m, count));
                break;
            }
            flushAutoSettled();
        }
        deadLetters.publish();
        return got;
    }

    /** Acknowledges delivered messages; offsets not in flight are ignored (already settled). Reuses {@code offsets}. */
    public void ack(long[] offsets, int count) {
        synchronized (this) {
            if (deleted) return; // its deliveries died with it
            settle(offsets, inFlightOnly(offsets, count));
            dispatch();
        }
        deadLetters.publish();
    }

    public void ack(long offset) {
        ack(new long[] {offset}, 1);
    }

    /** Rejects delivered messages without requeueing them: settled, and dead-lettered if the queue has a DLX. */
    public void reject(long[] offsets, int count) {
        synchronized (this) {
            if (deleted) return;
            int n = inFlightOnly(offsets, count);
            for (int i = 0; i < n; i++) {
                Message m = message(offsets[i]);
                if (m != null) deadLetters.add(m, "rejected");
            }
            settle(offsets, n);
            dispatch();
        }
        deadLetters.publish();
    }

    /** Returns delivered messages to the queue, to go out again (marked redelivered). */
    public void requeue(long[] offsets, int count) {
        synchronized (this) {
            if (deleted) return;
            for (int i = 0; i < count; i++) {
                if (cursor.requeue(offsets[i])) returned(offsets[i]);
            }
            dropHeadsOverLimit();
            dispatch();
        }
        deadLetters.publish();
    }

    /** Requeues everything {@code owner} holds (its channel or session went away); returns how many. */
    public int requeueAll(long owner) {
        int n;
        synchronized (this) {
            if (deleted) return 0;
            n = cursor.requeueAll(owner);
            if (n > 0) {
                if (settings.maxLengthBytes() >= 0) readyBytes = sumReadyBytes();
                dropHeadsOverLimit();
                dispatch();
            }
        }
        deadLetters.publish();
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
        readyBytes = 0;
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
        if (expiryTimer != null) expiryTimer.cancel(false);
        for (QueueConsumer c : List.copyOf(consumers)) c.queueDeleted(this);
        consumers.clear();
        cache.clear();
        window.clear();
        return ready;
    }

    public synchronized boolean isDeleted() { return deleted; }

    // ---- dispatch ----

    /** Delivers what consumers have credit for, and journals whatever was settled on the way. */
    private void dispatch() {
        if (!consumers.isEmpty() && !deleted) deliverReady();
        flushAutoSettled();
    }

    private void deliverReady() {
        long end = log.logEndOffset();
        long now = System.currentTimeMillis();
        long next;
        while ((next = cursor.nextReady(end)) >= 0) {
            QueueConsumer consumer = nextConsumerWithCredit();
            if (consumer == null) break;
            Message m = readyMessage(next, now);
            if (m == null) {
                consumer.creditUnused();
                continue;
            }
            int count = cursor.deliver(next, consumer.ownerId());
            taken(m);
            if (consumer.autoAck()) autoSettle(next);
            consumer.deliver(this, new QueueMessage(next, m, count));
        }
    }

    private QueueConsumer nextConsumerWithCredit() {
        if (settings.singleActiveConsumer()) {
            QueueConsumer active = consumers.get(0);
            return active.reserveCredit() ? active : null;
        }
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            QueueConsumer c = consumers.get(index);
            if (c.reserveCredit()) {
                nextConsumer = (index + 1) % n;
                return c;
            }
        }
        return null;
    }

    /**
     * The ready message at {@code offset}, or null after settling it: the log no longer has it, or it
     * expired (then it is dead-lettered).
     */
    private Message readyMessage(long offset, long now) {
        Message m = message(offset);
        if (m == null) {
            drop(offset);
            return null;
        }
        if (m.deadline(settings.messageTtlMs()) <= now) {
            deadLetters.add(m, "expired");
            drop(offset);
            if (settings.maxLengthBytes() >= 0) readyBytes -= m.size();
            return null;
        }
        return m;
    }

    private Message message(long offset) {
        Message m = cache.get(offset);
        return m != null ? m : window.read(offset);
    }

    /** A ready message went out. */
    private void taken(Message m) {
        cache.releaseBelow(cursor.readOffset());
        if (settings.maxLengthBytes() >= 0) readyBytes -= m.size();
    }

    /** A delivered message is ready again. */
    private void returned(long offset) {
        if (settings.maxLengthBytes() >= 0) {
            Message m = message(offset);
            if (m != null) readyBytes += m.size();
        }
    }

    // ---- length limits ----

    private boolean overLimit(long extraMessages, long extraBytes) {
        if (settings.maxLength() >= 0 && cursor.readyCount(log.logEndOffset()) + extraMessages > settings.maxLength()) {
            return true;
        }
        return settings.maxLengthBytes() >= 0 && readyBytes + extraBytes > settings.maxLengthBytes();
    }

    private boolean refusesNewcomer(Message message) {
        return settings.overflow() != QueueSettings.Overflow.DROP_HEAD && overLimit(1, message.size());
    }

    private void dropHeadsOverLimit() {
        if (settings.overflow() != QueueSettings.Overflow.DROP_HEAD) return;
        long next;
        while (overLimit(0, 0) && (next = cursor.nextReady(log.logEndOffset())) >= 0) {
            Message m = message(next);
            drop(next);
            if (m != null) {
                deadLetters.add(m, "maxlen");
                if (settings.maxLengthBytes() >= 0) readyBytes -= m.size();
            }
        }
    }

    private long sumReadyBytes() {
        long sum = 0;
        long end = log.logEndOffset();
        for (long o = cursor.floor(); o < end; o++) {
            if (cursor.isReady(o, end)) {
                Message m = message(o);
                if (m != null) sum += m.size();
            }
        }
        return sum;
    }

    // ---- expiry ----

    /** Schedules the expiry check for the head's deadline (only the head expires, as in RabbitMQ). */
    private void armExpiry() {
        if (!expiryPossible || deleted) return;
        long next = cursor.nextReady(log.logEndOffset());
        if (next < 0) return;
        Message head = message(next);
        long deadline = head == null ? System.currentTimeMillis() : head.deadline(settings.messageTtlMs());
        if (deadline == Long.MAX_VALUE || deadline >= expiryAt) return;
        if (expiryTimer != null) expiryTimer.cancel(false);
        expiryAt = deadline;
        long delay = Math.max(0, deadline - System.currentTimeMillis());
        expiryTimer = timers.schedule(this::expireHead, delay, TimeUnit.MILLISECONDS);
    }

    private void expireHead() {
        synchronized (this) {
            expiryTimer = null;
            expiryAt = Long.MAX_VALUE;
            long now = System.currentTimeMillis();
            long next;
            while ((next = cursor.nextReady(log.logEndOffset())) >= 0) {
                Message m = message(next);
                if (m != null && m.deadline(settings.messageTtlMs()) > now) break;
                readyMessage(next, now);
            }
            flushAutoSettled();
            armExpiry();
        }
        deadLetters.publish();
    }

    // ---- settlement ----

    private int inFlightOnly(long[] offsets, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (cursor.isInFlight(offsets[i])) offsets[n++] = offsets[i];
        }
        return n;
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

    /** Settles a ready message without delivering it (expired, dropped, or gone from the log). */
    private void drop(long offset) {
        cursor.deliver(offset, QueueCursor.NO_OWNER);
        autoSettle(offset);
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
