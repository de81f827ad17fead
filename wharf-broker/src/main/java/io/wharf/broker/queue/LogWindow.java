package io.wharf.broker.queue;

import io.wharf.broker.message.HeadersDecoder;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageRecords;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.LogReadInfo;
import io.wharf.log.OffsetOutOfRangeException;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a queue's messages back from its log, a chunk at a time: one read fills a window of decoded
 * messages that the next deliveries are served from, so that a queue being drained from disk costs one
 * file read per chunk, not per message.
 *
 * <p>Not thread-safe: used under its queue's lock.
 */
final class LogWindow {
    private static final int CHUNK_BYTES = 256 * 1024;

    private final Log log;
    private final HeadersDecoder headers;
    private final Map<Long, Message> window = new HashMap<>();
    private long windowStart = -1;
    private long windowEnd = -1;

    LogWindow(Log log, HeadersDecoder headers) {
        this.log = log;
        this.headers = headers;
    }

    /** The message at {@code offset}, or null if the log no longer (or does not yet) hold it. */
    Message read(long offset) {
        if (offset >= windowStart && offset < windowEnd) {
            Message m = window.get(offset);
            if (m != null) return m;
        }
        fill(offset);
        return window.get(offset);
    }

    /** Forgets the window (the log was truncated or purged). */
    void clear() {
        window.clear();
        windowStart = windowEnd = -1;
    }

    private void fill(long offset) {
        window.clear();
        windowStart = offset;
        windowEnd = offset;
        if (offset < log.logStartOffset() || offset >= log.logEndOffset()) return;
        ByteBuffer buffer;
        try {
            LogReadInfo info = log.read(offset, CHUNK_BYTES, Isolation.LOG_END, true);
            buffer = info.records().readFully();
        } catch (OffsetOutOfRangeException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log + " at offset " + offset, e);
        }
        RecordBatchIterator batches = new RecordBatchIterator(buffer);
        while (batches.hasNext()) {
            RecordBatch batch = batches.next();
            RecordDecoder.forEach(batch, record -> {
                if (record.offset() >= offset) window.put(record.offset(), MessageRecords.read(record, headers));
            });
            windowEnd = Math.max(windowEnd, batch.nextOffset());
        }
    }
}
