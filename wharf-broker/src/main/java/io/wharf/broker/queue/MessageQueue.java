package io.wharf.broker.queue;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.log.Log;
import java.util.ArrayList;
import java.util.Arrays;
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
 * single-active-consumer queue; requeued messages go out before new ones. A priority queue
 * ({@code x-max-priority}) keeps one {@link QueueLane} per priority and empties the highest first; a
 * plain queue is a single lane, and the offsets it hands out are its log's own. A consumer that acknowledges
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
    private final QueueLane[] lanes;
    private final LogFlusher flusher;
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
    /**
     * Ready messages while the queue has a consumer, else 0 (see {@link #backlog}); written under the monitor,
     * read without it.
     */
    private volatile long backlog;
    /** Who waits for the backlog to fall ({@link #awaitBacklog}); usually none. */
    private List<BacklogWait> backlogWaits = List.of();
    /** Offsets auto-acknowledged during one dispatch pass, journalled together. */
    private long[] autoSettled = new long[64];
    private int autoSettledCount;

    /**
     * @param logs       the message log of each lane, lowest priority first (one for a plain queue)
     * @param cursorLogs the journal log of each lane for a durable queue; null for a transient one
     */
    MessageQueue(QueueName name, QueueSettings settings, List<Log> logs, List<Log> cursorLogs, LogFlusher flusher,
                 PropertiesCodec codec, DeadLetterSink sink, ScheduledExecutorService timers) {
        this.name = name;
        this.settings = settings;
        this.flusher = flusher;
        this.timers = timers;
        this.deadLetters = new DeadLetters(name, settings, codec, sink);
        this.lanes = new QueueLane[logs.size()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new QueueLane(i, logs.get(i), cursorLogs == null ? null : cursorLogs.get(i), codec, CACHE_BYTES);
        }
        synchronized (this) {
            if (settings.maxLengthBytes() >= 0) readyBytes = sumReadyBytes();
            expiryPossible = true; // whatever was stored may have deadlines: look at the head once
            armExpiry();
        }
    }

    private record BacklogWait(long atMost, Runnable drained) {
    }

    /** Lanes a queue declared with {@code settings} has: one per priority 0..x-max-priority, else one. */
    static int laneCount(QueueSettings settings) { return Math.max(1, settings.maxPriority() + 1); }

    public QueueName name() { return name; }
    public QueueSettings settings() { return settings; }

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
        long[] ends = null;
        boolean persistent = false;
        synchronized (this) {
            if (deleted) return CompletableFuture.failedFuture(new QueueDeletedException(name));
            if (messages.size() == 1 && refusesNewcomer(messages.get(0))) {
                if (settings.overflow() == QueueSettings.Overflow.REJECT_PUBLISH_DLX) deadLetters.add(messages.get(0), "maxlen");
            } else {
                ends = append(messages);
                long earliestDeadline = Long.MAX_VALUE;
                for (Message m : messages) {
                    if (settings.maxLengthBytes() >= 0) readyBytes += m.size();
                    persistent |= m.persistent();
                    earliestDeadline = Math.min(earliestDeadline, m.deadline(settings.messageTtlMs()));
                }
                dropHeadsOverLimit();
                if (earliestDeadline != Long.MAX_VALUE) expiryPossible = true;
                dispatch();
                if (earliestDeadline < expiryAt) armExpiry();
            }
        }
        deadLetters.publish();
        if (ends == null) return CompletableFuture.failedFuture(new QueueFullException(name));
        if (!settings.durable() || !persistent) return CompletableFuture.completedFuture(null);
        if (lanes.length == 1) return flusher.flushed(lanes[0].log(), ends[0]);
        List<CompletableFuture<Void>> flushed = new ArrayList<>();
        for (int i = 0; i < lanes.length; i++) if (ends[i] >= 0) flushed.add(flusher.flushed(lanes[i].log(), ends[i]));
        return CompletableFuture.allOf(flushed.toArray(CompletableFuture[]::new));
    }

    /** Appends to each message's lane, one log batch per lane; returns each lane's new end (-1: untouched). */
    private long[] append(List<Message> messages) {
        if (lanes.length == 1) return new long[] {lanes[0].append(messages)};
        long[] ends = new long[lanes.length];
        Arrays.fill(ends, -1);
        List<List<Message>> byLane = new ArrayList<>(lanes.length);
        for (int i = 0; i < lanes.length; i++) byLane.add(null);
        for (Message m : messages) {
            int lane = laneOf(m);
            if (byLane.get(lane) == null) byLane.set(lane, new ArrayList<>());
            byLane.get(lane).add(m);
        }
        for (int i = 0; i < lanes.length; i++) {
            if (byLane.get(i) != null) ends[i] = lanes[i].append(byLane.get(i));
        }
        return ends;
    }

    /** A message without a priority goes with priority 0, one above the maximum with the maximum (as RabbitMQ). */
    private int laneOf(Message m) {
        return m.priority() == Message.NO_PRIORITY ? 0 : Math.min(m.priority(), lanes.length - 1);
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
            addByPriority(consumer);
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
        backlogChanged();
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
            while ((next = nextReady()) >= 0) {
                Message m = readyMessage(next, now);
                if (m == null) continue;
                int count = lane(next).deliver(QueueLane.localOf(next), owner);
                taken(next, m);
                if (autoAck) settle(new long[] {next}, 1);
                got = Optional.of(new QueueMessage(next, m, count));
                break;
            }
            flushAutoSettled();
            backlogChanged();
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
                if (lane(offsets[i]).requeue(QueueLane.localOf(offsets[i]))) returned(offsets[i]);
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
            n = 0;
            for (QueueLane lane : lanes) n += lane.requeueAll(owner);
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
        long purged = 0;
        for (QueueLane lane : lanes) {
            List<Long> dropped = new ArrayList<>();
            long next;
            while ((next = lane.nextReady()) >= 0) {
                lane.deliver(next, QueueCursor.NO_OWNER);
                dropped.add(next);
            }
            long[] offsets = dropped.stream().mapToLong(Long::longValue).toArray();
            lane.settle(offsets, offsets.length);
            lane.clearCaches();
            purged += offsets.length;
        }
        readyBytes = 0;
        backlogChanged();
        return purged;
    }

    /** Ready messages: what a consumer could still get. */
    public synchronized long messageCount() { return readyCount(); }

    /** Messages delivered and not yet settled. */
    public synchronized int unacknowledgedCount() {
        int n = 0;
        for (QueueLane lane : lanes) n += lane.inFlightCount();
        return n;
    }

    /** Marks the queue deleted and tells its consumers; the manager removes its logs. Returns the ready count. */
    synchronized long markDeleted() {
        long ready = readyCount();
        deleted = true;
        if (expiryTimer != null) expiryTimer.cancel(false);
        for (QueueConsumer c : List.copyOf(consumers)) c.queueDeleted(this);
        consumers.clear();
        backlogChanged();
        for (QueueLane lane : lanes) lane.clearCaches();
        return ready;
    }

    public synchronized boolean isDeleted() { return deleted; }

    // ---- dispatch ----

    /** Delivers what consumers have credit for, and journals whatever was settled on the way. */
    private void dispatch() {
        if (!consumers.isEmpty() && !deleted) deliverReady();
        flushAutoSettled();
        backlogChanged();
    }

    // ---- backlog: what publishers' flow control looks at ----

    /**
     * Messages waiting for this queue's consumers: the ready count while the queue has a consumer, else 0 — a
     * queue nobody consumes from (an offline persistent session) holds nobody back, it only grows within its
     * own limits. Any thread, without the lock: the value of the last change.
     */
    public long backlog() { return backlog; }

    /**
     * Calls {@code drained} once {@link #backlog} is at most {@code atMost} (or the queue loses its last consumer,
     * or is deleted) — at once if it already is. It runs under this queue's lock, on whatever thread changed the
     * backlog: it must be quick, and must not call back into the queue (hand over to the waiter's own thread).
     */
    public void awaitBacklog(long atMost, Runnable drained) {
        synchronized (this) {
            if (backlog > atMost) {
                List<BacklogWait> waits = new ArrayList<>(backlogWaits);
                waits.add(new BacklogWait(atMost, drained));
                backlogWaits = waits;
                return;
            }
        }
        drained.run();
    }

    /** Forgets a wait of {@link #awaitBacklog} (its publisher went away). */
    public synchronized void cancelBacklogWait(Runnable drained) {
        if (backlogWaits.isEmpty()) return;
        List<BacklogWait> waits = new ArrayList<>(backlogWaits);
        waits.removeIf(w -> w.drained() == drained);
        backlogWaits = waits.isEmpty() ? List.of() : waits;
    }

    /** Under the monitor, after anything that may change the ready count or the consumers. */
    private void backlogChanged() {
        long now = consumers.isEmpty() || deleted ? 0 : readyCount();
        backlog = now;
        if (backlogWaits.isEmpty()) return;
        List<BacklogWait> waiting = null;
        for (BacklogWait w : backlogWaits) {
            if (now <= w.atMost()) {
                w.drained().run();
            } else {
                if (waiting == null) waiting = new ArrayList<>();
                waiting.add(w);
            }
        }
        backlogWaits = waiting == null ? List.of() : waiting;
    }

    private void deliverReady() {
        long now = System.currentTimeMillis();
        long next;
        while ((next = nextReady()) >= 0) {
            QueueConsumer consumer = nextConsumerWithCredit();
            if (consumer == null) break;
            Message m = readyMessage(next, now);
            if (m == null) {
                consumer.creditUnused();
                continue;
            }
            int count = lane(next).deliver(QueueLane.localOf(next), consumer.ownerId());
            taken(next, m);
            if (consumer.autoAck()) autoSettle(next);
            consumer.deliver(this, new QueueMessage(next, m, count));
        }
    }

    /**
     * Keeps the consumers ordered by priority, highest first, newcomers after their equals. A single-active-
     * consumer queue keeps arrival order: its first consumer is the active one until it goes.
     */
    private void addByPriority(QueueConsumer consumer) {
        int at = consumers.size();
        if (!settings.singleActiveConsumer()) {
            while (at > 0 && consumers.get(at - 1).priority() < consumer.priority()) at--;
        }
        consumers.add(at, consumer);
        if (at <= nextConsumer && nextConsumer < consumers.size() - 1) nextConsumer++;
    }

    /**
     * The consumer to take the next message: the first of the highest priority group that has credit,
     * taking turns within the group (round robin); a lower group only when the whole group above is full.
     */
    private QueueConsumer nextConsumerWithCredit() {
        if (settings.singleActiveConsumer()) {
            QueueConsumer active = consumers.get(0);
            return active.reserveCredit() ? active : null;
        }
        int n = consumers.size();
        for (int start = 0, end; start < n; start = end) {
            int priority = consumers.get(start).priority();
            end = start + 1;
            while (end < n && consumers.get(end).priority() == priority) end++;
            int size = end - start;
            int from = nextConsumer >= start && nextConsumer < end ? nextConsumer - start : 0;
            for (int i = 0; i < size; i++) {
                int index = start + (from + i) % size;
                QueueConsumer c = consumers.get(index);
                if (c.reserveCredit()) {
                    nextConsumer = index + 1 < end ? index + 1 : start;
                    return c;
                }
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
        return lane(offset).message(QueueLane.localOf(offset));
    }

    private QueueLane lane(long offset) { return lanes[QueueLane.laneOf(offset)]; }

    /** The next message to go out, the highest priority first, or -1. */
    private long nextReady() {
        for (int i = lanes.length - 1; i >= 0; i--) {
            long next = lanes[i].nextReady();
            if (next >= 0) return lanes[i].global(next);
        }
        return -1;
    }

    private long readyCount() {
        long n = 0;
        for (QueueLane lane : lanes) n += lane.readyCount();
        return n;
    }

    /** A ready message went out. */
    private void taken(long offset, Message m) {
        lane(offset).taken();
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
        if (settings.maxLength() >= 0 && readyCount() + extraMessages > settings.maxLength()) {
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
        while (overLimit(0, 0) && (next = nextReady()) >= 0) {
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
        for (QueueLane lane : lanes) sum += lane.readyBytes();
        return sum;
    }

    // ---- expiry ----

    /** Schedules the expiry check for the head's deadline (only the head expires, as in RabbitMQ). */
    private void armExpiry() {
        if (!expiryPossible || deleted) return;
        long next = nextReady();
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
            while ((next = nextReady()) >= 0) {
                Message m = message(next);
                if (m != null && m.deadline(settings.messageTtlMs()) > now) break;
                readyMessage(next, now);
            }
            flushAutoSettled();
            backlogChanged();
            armExpiry();
        }
        deadLetters.publish();
    }

    // ---- settlement ----

    private int inFlightOnly(long[] offsets, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (lane(offsets[i]).isInFlight(QueueLane.localOf(offsets[i]))) offsets[n++] = offsets[i];
        }
        return n;
    }

    private void autoSettle(long offset) {
        if (autoSettledCount == autoSettled.length) autoSettled = Arrays.copyOf(autoSettled, autoSettledCount * 2);
        autoSettled[autoSettledCount++] = offset;
    }

    private void flushAutoSettled() {
        if (autoSettledCount == 0) return;
        settle(autoSettled, autoSettledCount);
        autoSettledCount = 0;
    }

    /** Settles a ready message without delivering it (expired, dropped, or gone from the log). */
    private void drop(long offset) {
        lane(offset).deliver(QueueLane.localOf(offset), QueueCursor.NO_OWNER);
        autoSettle(offset);
    }

    /** Settles handed-out offsets, lane by lane. */
    private void settle(long[] offsets, int count) {
        if (count == 0) return;
        if (lanes.length == 1) {
            lanes[0].settle(offsets, count);
            return;
        }
        long[] local = new long[count];
        for (int lane = 0; lane < lanes.length; lane++) {
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (QueueLane.laneOf(offsets[i]) == lane) local[n++] = QueueLane.localOf(offsets[i]);
            }
            lanes[lane].settle(local, n);
        }
    }

    @Override
    public String toString() { return "MessageQueue(" + name + ", " + Arrays.toString(lanes) + ")"; }
}
