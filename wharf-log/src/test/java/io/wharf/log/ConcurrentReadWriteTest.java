package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer appends (rolling segments as it goes) while several readers tail the log without locks.
 * Every reader must see every offset exactly once, in order, with valid CRCs and the value written for
 * that offset, and never anything above the high watermark.
 */
class ConcurrentReadWriteTest {
    private static final int RECORDS = 20_000;
    private static final int READERS = 4;

    @TempDir
    Path dir;

    @Test
    void readersSeeEveryCommittedRecordExactlyOnceWhileTheWriterAppendsAndRolls() throws Exception {
        LogConfig config = TestLogs.smallConfig().segmentBytes(16 * 1024).indexIntervalBytes(512).build();
        try (Log log = TestLogs.open(dir, config, Time.SYSTEM)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean writerDone = new AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Thread t = new Thread(() -> tail(log, writerDone, failure), "reader-" + r);
                readers.add(t);
                t.start();
            }
            Thread writer = new Thread(() -> {
                try {
                    int next = 0;
                    while (next < RECORDS) {
                        int n = 1 + next % 7;
                        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE);
                        for (int i = 0; i < n; i++) b.append(1, null, ("value-" + (next + i)).getBytes());
                        log.append(b.build());
                        next += n;
                        log.highWatermarkToLogEnd();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    writerDone.set(true);
                }
            }, "writer");
            writer.start();
            writer.join(120_000);
            for (Thread t : readers) t.join(120_000);
            assertThat(failure.get()).isNull();
            assertThat(log.numberOfSegments()).isGreaterThan(10);
        }
    }

    private static void tail(Log log, AtomicBoolean writerDone, AtomicReference<Throwable> failure) {
        try {
            long next = 0;
            while (true) {
                boolean done = writerDone.get();
                long hw = log.highWatermark();
                LogReadInfo info = log.read(next, 8 * 1024, Isolation.HIGH_WATERMARK, true);
                if (info.records().isEmpty()) {
                    if (done && next >= log.logEndOffset()) break;
                    Thread.onSpinWait();
                    continue;
                }
                ByteBuffer buf = info.records().readFully();
                RecordBatchIterator it = new RecordBatchIterator(buf);
                while (it.hasNext()) {
                    RecordBatch batch = it.next();
                    assertThat(batch.isChecksumValid()).isTrue();
                    assertThat(batch.lastOffset()).isLessThan(Math.max(hw, info.highWatermark()));
                    for (Record r : RecordDecoder.decode(batch)) {
                        if (r.offset() < next) continue;
                        assertThat(r.offset()).isEqualTo(next);
                        assertThat(TestLogs.string(r.value())).isEqualTo("value-" + next);
                        next++;
                    }
                }
            }
            assertThat(next).isEqualTo(RECORDS);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
