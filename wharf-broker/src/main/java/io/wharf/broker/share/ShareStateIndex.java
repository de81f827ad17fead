package io.wharf.broker.share;

import io.wharf.broker.topic.InternalTopic;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogId;
import io.wharf.log.LogManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which share groups read which topics, persisted: the journals' names hold only a hash of the group and
 * topic, so after a restart this is how the broker knows that a share group exists, which state deleting
 * the group or the topic must remove, and what DescribeShareGroupOffsets lists.
 *
 * <p>The log {@code s~~index}, partition 0: records keyed {@code a} (added) or {@code r} (removed), whose
 * value is the group and the topic joined by a NUL. At open it is replayed, pairs that no longer have a
 * journal are dropped, and the live ones are written afresh, the log start moving past everything before.
 *
 * <p>Thread-safety: thread-safe.
 */
final class ShareStateIndex {
    private static final LogId ID = new LogId("s~~index", 0);
    private static final byte[] ADDED = {'a'};
    private static final byte[] REMOVED = {'r'};

    /** A share group reading a topic. */
    record Entry(String group, String topic) {
    }

    private final Log log;
    private final Set<Entry> entries = new LinkedHashSet<>();

    /**
     * @param hasJournal whether some partition of an entry still has a journal
     */
    ShareStateIndex(LogManager logs, LogConfig config, Predicate<Entry> hasJournal) {
        this.log = logs.getOrCreateLog(ID, config);
        InternalTopic.replay(log, batch -> RecordDecoder.forEach(batch, record -> {
            Entry entry = decode(record.value());
            if (record.key().get(0) == 'a') entries.add(entry);
            else entries.remove(entry);
        }));
        entries.removeIf(e -> !hasJournal.test(e));
        long end = log.logEndOffset();
        if (end == 0) return;
        if (!entries.isEmpty()) {
            RecordBatchBuilder batch = RecordBatchBuilder.newBatch(Compression.NONE, 256 * entries.size());
            long now = System.currentTimeMillis();
            for (Entry e : entries) batch.append(now, ADDED, encode(e));
            log.append(batch.build());
            log.highWatermarkToLogEnd();
        }
        log.deleteRecordsBefore(end);
    }

    synchronized Set<Entry> entries() { return Set.copyOf(entries); }

    /** Records that {@code entry} has state; call before its first journal is created. */
    synchronized void add(Entry entry) {
        if (entries.add(entry)) append(ADDED, entry);
    }

    /** Records that {@code entry} has no state left. */
    synchronized void remove(Entry entry) {
        if (entries.remove(entry)) append(REMOVED, entry);
    }

    private void append(byte[] kind, Entry entry) {
        byte[] value = encode(entry);
        log.append(RecordBatchBuilder.newBatch(Compression.NONE, value.length + 80)
            .append(System.currentTimeMillis(), kind, value).build());
        log.highWatermarkToLogEnd();
    }

    private static byte[] encode(Entry e) {
        return (e.group() + '\0' + e.topic()).getBytes(StandardCharsets.UTF_8);
    }

    private static Entry decode(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        String s = new String(bytes, StandardCharsets.UTF_8);
        int nul = s.lastIndexOf('\0');
        return new Entry(s.substring(0, nul), s.substring(nul + 1));
    }
}
