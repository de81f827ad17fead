package io.wharf.broker.retained;

import io.wharf.broker.message.HeadersDecoder;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageRecords;
import io.wharf.broker.routing.TopicIndex;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.store.KeyedLog;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retained messages: at most one per topic, found by topic filter when a client subscribes. Durable ones live in
 * a compacted {@link KeyedLog} — record key the topic, the record the message as {@link MessageRecords#keyedBatchOf}
 * writes it, a tombstone for a topic cleared — and all of them in memory, in a {@link TopicIndex}, rebuilt from
 * the log at start. A message past its own expiration ({@link Message#expirationMs}, counted from its arrival)
 * is never returned; it is dropped, and tombstoned, when a lookup or the start-up load meets it.
 *
 * <p>Memory: each retained topic costs its message (body, properties, routing key: the message as it was
 * published) plus about 250 bytes of index (its nodes in the topic tree, the topic string, the entry).
 * Durable writes cost one log append (page cache) each; {@link #retain} for a persistent message completes
 * once it is on disk (group commit).
 *
 * <p>Thread-safe: writes and lookups serialise on one lock, so the order of two writes in the log and in
 * memory never differ; no lookup ever reads the disk.
 */
public final class RetainedStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedStore.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A retained message and its topic. */
    public record Retained(String topic, Message message) {
    }

    /** @param durable whether the log holds it (else it lives in memory only, until the broker stops) */
    private record Entry(Message message, boolean durable) {
    }

    private final KeyedLog log;
    private final TopicIndex<Entry> index;
    private final Object lock = new Object();

    private RetainedStore(KeyedLog log, TopicSyntax syntax) {
        this.log = log;
        this.index = new TopicIndex<>(syntax);
    }

    /**
     * Opens the store on the log {@code logName} (created if new) and loads it.
     *
     * @param syntax  how topics and filters are read (MQTT's)
     * @param headers decodes the stored properties' headers, for messages a headers exchange routes
     */
    public static RetainedStore open(LogManager logs, String logName, TopicSyntax syntax, LogConfig defaults,
                                     HeadersDecoder headers) {
        RetainedStore store = new RetainedStore(KeyedLog.open(logs, logName, defaults), syntax);
        store.load(headers, System.currentTimeMillis());
        return store;
    }

    private void load(HeadersDecoder headers, long now) {
        long begin = System.nanoTime();
        synchronized (lock) {
            log.replay((topic, record) -> {
                if (record.hasValue()) index.put(topic, new Entry(MessageRecords.read(record, headers), true));
                else index.remove(topic);
            });
            List<String> expired = new ArrayList<>();
            index.forEach((topic, e) -> {
                if (isExpired(e.message(), now)) expired.add(topic);
            });
            for (String topic : expired) drop(topic);
        }
        LOG.info("Loaded {} retained messages from {} in {} ms", index.size(), log,
            (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Makes {@code message} the one retained for {@code topic}, replacing any before it; a message with an empty
     * body clears the topic instead (MQTT §3.3.1.3). The future completes once the change is as safe as the
     * message asks: at once for a transient message, on disk for a persistent one; it fails if the log refused
     * the write, and then nothing changed.
     */
    public CompletableFuture<Void> retain(String topic, Message message) {
        long end;
        try {
            synchronized (lock) {
                if (message.body().length == 0) {
                    Entry old = index.get(topic);
                    if (old == null) return DONE;
                    end = old.durable() ? log.remove(topic) : -1;
                    index.remove(topic);
                } else {
                    end = log.append(MessageRecords.keyedBatchOf(topic, message));
                    index.put(topic, new Entry(message, true));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Cannot write the retained message of topic '{}' to {}", topic, log, e);
            return CompletableFuture.failedFuture(e);
        }
        return end < 0 || !message.persistent() ? DONE : log.flushed(end);
    }

    /**
     * Retains {@code message} for {@code topic} in memory only: it is gone after a restart. For what the broker
     * republishes itself (its {@code $SYS} status), which would only fill the log.
     */
    public void retainInMemory(String topic, Message message) {
        synchronized (lock) {
            Entry old = index.put(topic, new Entry(message, false));
            if (old != null && old.durable()) log.remove(topic);
        }
    }

    /** The retained messages of the topics {@code filter} matches, none expired at {@code now}. */
    public List<Retained> matching(String filter, long now) {
        List<Retained> found = new ArrayList<>();
        List<String> expired = new ArrayList<>(0);
        synchronized (lock) {
            index.match(filter, (topic, e) -> {
                if (isExpired(e.message(), now)) expired.add(topic);
                else found.add(new Retained(topic, e.message()));
            });
            for (String topic : expired) drop(topic);
        }
        return found;
    }

    /** The message retained for exactly {@code topic}. */
    public Optional<Message> get(String topic) {
        synchronized (lock) {
            Entry e = index.get(topic);
            return e == null ? Optional.empty() : Optional.of(e.message());
        }
    }

    /** Topics with a retained message (expired ones included until a lookup meets them). */
    public int size() {
        synchronized (lock) {
            return index.size();
        }
    }

    public KeyedLog log() { return log; }

    /** Under the lock: forgets an expired topic, and tombstones it in the log so the cleaner drops it. */
    private void drop(String topic) {
        Entry e = index.remove(topic);
        if (e != null && e.durable()) log.remove(topic);
    }

    private static boolean isExpired(Message m, long now) {
        return m.deadline(-1) <= now;
    }

    @Override
    public void close() {
        log.close();
    }
}
