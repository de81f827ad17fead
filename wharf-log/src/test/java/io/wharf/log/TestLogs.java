package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Builders and readers shared by the log tests. */
final class TestLogs {
    private TestLogs() {
    }

    /** A clock the test moves by hand. */
    static final class ManualTime implements Time {
        private final AtomicLong now;

        ManualTime(long start) { now = new AtomicLong(start); }

        @Override
        public long milliseconds() { return now.get(); }

        void advance(long ms) { now.addAndGet(ms); }
    }

    static LogConfig.Builder smallConfig() {
        return LogConfig.builder().segmentBytes(4096).maxIndexSize(4096).indexIntervalBytes(256).fileDeleteDelayMs(0);
    }

    static Log open(Path dir, LogConfig config, Time time) {
        return Log.open(dir, config, CheckpointedOffsets.NONE, false, time, null);
    }

    /** A batch of {@code count} records whose values are "v<first+i>" and keys "k<first+i>". */
    static ByteBuffer batch(int first, int count, long timestamp) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE);
        for (int i = 0; i < count; i++) {
            b.append(timestamp, ("k" + (first + i)).getBytes(StandardCharsets.UTF_8),
                ("v" + (first + i)).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    static ByteBuffer keyed(long timestamp, String key, String value) {
        return RecordBatchBuilder.newBatch(Compression.NONE)
            .append(timestamp, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8))
            .build();
    }

    /**
     * A transactional batch of {@code producerId} at {@code epoch} from sequence {@code firstSeq}: one record
     * per value, each with {@code key} (null for none).
     */
    static ByteBuffer transactional(long producerId, short epoch, int firstSeq, String key, String... values) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE).producer(producerId, epoch, firstSeq)
            .transactional(true);
        for (String value : values) {
            b.append(1, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** Every record of the log from {@code from}, reading in slices of {@code chunk} bytes. */
    static List<Record> readAll(Log log, long from, Isolation isolation) {
        return read(log, from, isolation, true);
    }

    /** As {@link #readAll}, without the records of control batches (transaction markers). */
    static List<Record> readData(Log log, long from, Isolation isolation) {
        return read(log, from, isolation, false);
    }

    private static List<Record> read(Log log, long from, Isolation isolation, boolean withControl) {
        List<Record> out = new ArrayList<>();
        long next = from;
        while (true) {
            LogReadInfo info = log.read(next, 64 * 1024, isolation, true);
            if (info.records().isEmpty()) return out;
            ByteBuffer buf;
            try {
                buf = info.records().readFully();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RecordBatchIterator it = new RecordBatchIterator(buf);
            boolean progressed = false;
            while (it.hasNext()) {
                RecordBatch batch = it.next();
                assertThat(batch.isChecksumValid()).as("CRC of batch at %d", batch.baseOffset()).isTrue();
                for (Record r : RecordDecoder.decode(batch)) {
                    if (r.offset() >= next && (withControl || !batch.isControl())) out.add(r);
                }
                next = batch.nextOffset();
                progressed = true;
            }
            if (!progressed) return out;
        }
    }

    static String string(ByteBuffer b) {
        return b == null ? null : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    static List<String> values(List<Record> records) {
        List<String> out = new ArrayList<>();
        for (Record r : records) out.add(string(r.value()));
        return out;
    }

    static void deleteRecursively(Path dir) {
        LogFiles.deleteRecursively(dir);
    }
}
