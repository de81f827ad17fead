package io.wharf.broker.store;

import io.wharf.broker.queue.LogFlusher;
import io.wharf.broker.topic.InternalTopic;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogId;
import io.wharf.log.LogManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A durable map on one local log of the {@link LogManager} with {@code cleanup.policy=compact}: each record's
 * key (UTF-8) names an entry, the last record of a key is its value, a tombstone (null value) removes it, and
 * the log cleaner drops what later records superseded. Its owner keeps the live entries in memory, rebuilt at
 * start by {@link #replay}. This is what DESIGN.md calls an internal compacted topic, for state that is local
 * to the broker and high-volume (retained messages); it is not a Kafka topic: the log name holds a {@code ~},
 * which no Kafka topic name may.
 *
 * <p>Appends are in the page cache at once and survive a broker crash ({@code kill -9}); {@link #flushed}
 * says when one is on disk, flushing by group commit on a thread of its own.
 *
 * <p>Not thread-safe: the owner serialises appends, so that the order of two writes in the log and in its
 * memory never differ.
 */
public final class KeyedLog implements AutoCloseable {
    /** Segments roll at this size, so that the cleaner (which leaves the active segment alone) gets to work. */
    private static final int SEGMENT_BYTES = 16 * 1024 * 1024;

    private final Log log;
    private final LogFlusher flusher = new LogFlusher();

    private KeyedLog(Log log) {
        this.log = log;
    }

    /**
     * Opens (or creates) partition 0 of the log {@code name}, with {@code defaults} made compacted and
     * unbounded in time and size.
     */
    public static KeyedLog open(LogManager logs, String name, LogConfig defaults) {
        if (name.indexOf('~') < 0) {
            throw new IllegalArgumentException("An internal log's name must contain '~', which no Kafka topic has: " + name);
        }
        LogConfig config = defaults.toBuilder().cleanupPolicy(LogConfig.CleanupPolicy.COMPACT).retentionMs(-1)
            .retentionBytes(-1).segmentBytes(SEGMENT_BYTES).maxMessageBytes(Integer.MAX_VALUE).build();
        Log log = logs.getOrCreateLog(new LogId(name, 0), config);
        log.highWatermarkToLogEnd();
        return new KeyedLog(log);
    }

    /** Calls {@code visitor} with every record from the log start to its end, in order, with its key. */
    public void replay(BiConsumer<String, Record> visitor) {
        InternalTopic.replay(log, batch -> RecordDecoder.forEach(batch, record -> {
            if (record.hasKey()) visitor.accept(StandardCharsets.UTF_8.decode(record.key()).toString(), record);
        }));
    }

    /** Appends a batch whose records all carry keys; returns the log end after it. */
    public long append(ByteBuffer batch) {
        log.append(batch);
        log.highWatermarkToLogEnd();
        return log.logEndOffset();
    }

    /** Appends a tombstone for {@code key}; returns the log end after it. */
    public long remove(String key) {
        return append(RecordBatchBuilder.newBatch(Compression.NONE, 64 + key.length() * 3)
            .append(System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8), null).build());
    }

    /** Completes once everything below {@code end} is on disk. */
    public CompletableFuture<Void> flushed(long end) {
        return flusher.flushed(log, end);
    }

    public Log log() { return log; }

    /** Stops the flusher; the log itself belongs to the {@link LogManager}, which flushes it at shutdown. */
    @Override
    public void close() {
        flusher.close();
    }

    @Override
    public String toString() { return "KeyedLog(" + log + ")"; }
}
