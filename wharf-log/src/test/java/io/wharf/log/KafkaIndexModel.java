package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: the raw bytes of a segment's files, and what Apache Kafka's {@code LogSegment} would write
 * into the indexes of a {@code .log} file appended batch by batch from empty (Kafka 4.x's rule, restated
 * from its behaviour: a batch starting more than {@code index.interval.bytes} after the last indexed one
 * gets an entry of its last offset and its position; the time index is offered the max timestamp so far,
 * the current batch included, at each such entry and once more when the segment is closed).
 */
final class KafkaIndexModel {
    private KafkaIndexModel() {
    }

    /** One batch as it lies in a {@code .log} file. */
    record Batch(long baseOffset, long lastOffset, int position, int size, long maxTimestamp) {
    }

    static List<Batch> batches(Path logFile) {
        ByteBuffer bytes = ByteBuffer.wrap(read(logFile));
        List<Batch> out = new ArrayList<>();
        for (RecordBatch b : RecordBatchIterator.batches(bytes)) {
            out.add(new Batch(b.baseOffset(), b.lastOffset(), b.start(), b.sizeInBytes(), b.maxTimestamp()));
        }
        return out;
    }

    /** The {@code .index} file's entries, as (absolute offset, position). */
    static List<OffsetPosition> offsetEntries(Path indexFile, long baseOffset) {
        ByteBuffer bytes = ByteBuffer.wrap(read(indexFile));
        List<OffsetPosition> out = new ArrayList<>();
        while (bytes.remaining() >= 8) out.add(new OffsetPosition(baseOffset + bytes.getInt(), bytes.getInt()));
        return out;
    }

    /** The {@code .timeindex} file's entries, as (timestamp, absolute offset). */
    static List<TimestampAndOffset> timeEntries(Path timeIndexFile, long baseOffset) {
        ByteBuffer bytes = ByteBuffer.wrap(read(timeIndexFile));
        List<TimestampAndOffset> out = new ArrayList<>();
        while (bytes.remaining() >= 12) out.add(new TimestampAndOffset(bytes.getLong(), baseOffset + bytes.getInt()));
        return out;
    }

    static List<OffsetPosition> expectedOffsetEntries(List<Batch> batches, int indexIntervalBytes) {
        List<OffsetPosition> out = new ArrayList<>();
        int sinceLastEntry = 0;
        for (Batch b : batches) {
            if (sinceLastEntry > indexIntervalBytes) {
                out.add(new OffsetPosition(b.lastOffset(), b.position()));
                sinceLastEntry = 0;
            }
            sinceLastEntry += b.size();
        }
        return out;
    }

    /** The time index of a closed segment (with its final entry). */
    static List<TimestampAndOffset> expectedTimeEntries(List<Batch> batches, int indexIntervalBytes) {
        List<TimestampAndOffset> out = new ArrayList<>();
        long max = RecordBatch.NO_TIMESTAMP;
        long offsetOfMax = -1;
        int sinceLastEntry = 0;
        for (Batch b : batches) {
            if (b.maxTimestamp() > max) {
                max = b.maxTimestamp();
                offsetOfMax = b.lastOffset();
            }
            if (sinceLastEntry > indexIntervalBytes) {
                offerTime(out, max, offsetOfMax);
                sinceLastEntry = 0;
            }
            sinceLastEntry += b.size();
        }
        offerTime(out, max, offsetOfMax);
        return out;
    }

    private static void offerTime(List<TimestampAndOffset> entries, long timestamp, long offset) {
        long last = entries.isEmpty() ? RecordBatch.NO_TIMESTAMP : entries.get(entries.size() - 1).timestamp();
        if (timestamp > last) entries.add(new TimestampAndOffset(timestamp, offset));
    }

    static Path indexFile(Path dir, long baseOffset) { return LogSegment.indexFile(dir, baseOffset); }

    static Path timeIndexFile(Path dir, long baseOffset) { return LogSegment.timeIndexFile(dir, baseOffset); }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
