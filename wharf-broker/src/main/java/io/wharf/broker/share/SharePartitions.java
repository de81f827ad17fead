package io.wharf.broker.share;

import io.wharf.broker.queue.CursorJournal;
import io.wharf.broker.queue.LogNames;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogId;
import io.wharf.log.LogManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The share partitions of every share group on this broker, each with its journal: partition {@code p} of
 * the log {@code s~<group, readable>~<hash of group and topic>}. The {@code '~'} keeps these logs apart from
 * Kafka topics (which cannot contain it) and from queues ({@code q~}). A partition's state is opened on
 * first use, from its journal if it has one. A {@link ShareStateIndex} remembers which groups read which
 * topics, so that state not opened since a restart is still found, listed and deleted.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SharePartitions {
    private static final String LOG_PREFIX = "s~";
    private static final int READABLE_PREFIX = 32;

    /** A share group's view of one topic partition. */
    public record Key(String group, String topic, int partition) {
    }

    private final LogManager logs;
    private final LogConfig journalConfig;
    private final Function<String, ShareSettings> settingsOf;
    private final Map<Key, SharePartition> open = new ConcurrentHashMap<>();
    private final ShareStateIndex index;

    /** Share partitions whose every group has {@code settings}. */
    public SharePartitions(LogManager logs, LogConfig defaults, ShareSettings settings) {
        this(logs, defaults, group -> settings);
    }

    /** @param settingsOf the settings of a group (its configs over the broker's), asked at every use */
    public SharePartitions(LogManager logs, LogConfig defaults, Function<String, ShareSettings> settingsOf) {
        this.logs = logs;
        this.journalConfig = defaults.toBuilder().retentionMs(-1).retentionBytes(-1)
            .cleanupPolicy(LogConfig.CleanupPolicy.DELETE).maxMessageBytes(Integer.MAX_VALUE)
            .segmentBytes(4 * 1024 * 1024).maxIndexSize(64 * 1024).build();
        this.settingsOf = settingsOf;
        this.index = new ShareStateIndex(logs, journalConfig, e -> !journalsOf(e).isEmpty());
    }

    /**
     * The state of {@code key}, opened (or created) now if needed. A new one starts at
     * {@code initialOffset.getAsLong()}; offsets below {@code logStartOffset} are settled.
     */
    public SharePartition open(Key key, LongSupplier initialOffset, long logStartOffset) {
        return open.computeIfAbsent(key, k -> {
            index.add(new ShareStateIndex.Entry(k.group(), k.topic()));
            Log journal = logs.getOrCreateLog(journalId(k), journalConfig);
            CursorJournal cursorJournal = new CursorJournal(journal);
            long initial = cursorJournal.isEmpty() ? initialOffset.getAsLong() : 0;
            return new SharePartition(() -> settingsOf.apply(k.group()), cursorJournal, initial, logStartOffset);
        });
    }

    /** The state of {@code key} if it is open or has a journal; null otherwise. Never creates one. */
    public SharePartition existing(Key key, long logStartOffset) {
        SharePartition p = open.get(key);
        if (p != null) return p;
        if (logs.getLog(journalId(key)).isEmpty()) return null;
        return open(key, () -> logStartOffset, logStartOffset);
    }

    /** The open share partitions of {@code group}. */
    public List<Map.Entry<Key, SharePartition>> ofGroup(String group) {
        List<Map.Entry<Key, SharePartition>> result = new ArrayList<>();
        for (Map.Entry<Key, SharePartition> e : open.entrySet()) if (e.getKey().group().equals(group)) result.add(e);
        return result;
    }

    /** Every share partition of {@code group} that has state, open or not, in topic and partition order. */
    public List<Key> keysOf(String group) {
        List<Key> keys = new ArrayList<>();
        for (ShareStateIndex.Entry e : index.entries()) if (e.group().equals(group)) keys.addAll(journalsOf(e));
        keys.sort(Comparator.comparing(Key::topic).thenComparingInt(Key::partition));
        return keys;
    }

    /** The share groups that have state on this broker. */
    public Set<String> groups() {
        Set<String> groups = new TreeSet<>();
        for (ShareStateIndex.Entry e : index.entries()) groups.add(e.group());
        return groups;
    }

    /** Every open share partition (for the lock sweep). */
    public Iterable<SharePartition> all() { return open.values(); }

    /** Forgets {@code key} and deletes its journal (the group or the topic is gone, or its offsets were deleted). */
    public void delete(Key key) {
        open.remove(key);
        logs.deleteLog(journalId(key));
        ShareStateIndex.Entry entry = new ShareStateIndex.Entry(key.group(), key.topic());
        if (journalsOf(entry).isEmpty()) index.remove(entry);
    }

    /** Forgets and deletes the state of every share group's partitions of {@code topic}. */
    public void deleteTopic(String topic) {
        for (ShareStateIndex.Entry e : index.entries()) {
            if (e.topic().equals(topic)) for (Key key : journalsOf(e)) delete(key);
        }
    }

    /** The partitions of {@code entry} that have a journal. */
    private List<Key> journalsOf(ShareStateIndex.Entry entry) {
        String name = journalId(new Key(entry.group(), entry.topic(), 0)).name();
        List<Key> keys = new ArrayList<>();
        for (LogId id : logs.allLogs().keySet()) {
            if (id.name().equals(name)) keys.add(new Key(entry.group(), entry.topic(), id.partition()));
        }
        return keys;
    }

    static LogId journalId(Key key) {
        return new LogId(LOG_PREFIX + LogNames.readable(key.group(), READABLE_PREFIX) + "~"
            + LogNames.hash(key.group() + '\0' + key.topic()), key.partition());
    }
}
