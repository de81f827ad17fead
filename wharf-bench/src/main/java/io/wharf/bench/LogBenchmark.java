package io.wharf.bench;

import io.wharf.log.CheckpointedOffsets;
import io.wharf.log.FileSlice;
import io.wharf.log.Isolation;
import io.wharf.log.Log;
import io.wharf.log.LogConfig;
import io.wharf.log.LogReadInfo;
import io.wharf.log.Time;
import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Append and read throughput of one partition log, straight on wharf-log (no network).
 *
 * <p>For each batch size it appends 1 KiB records, packed into uncompressed batches of that size, for the
 * given number of seconds, with Kafka's default settings (1 GiB segments, flushing left to the OS), then
 * reads the whole log back from the page cache in 1 MiB slices into a direct buffer, walking every batch
 * header. Prints {@code name value unit} lines like the anchor scripts.
 *
 * <p>Usage: {@code LogBenchmark DIR [SECONDS] [BATCH_BYTES ...]} (defaults: 10 s; 16384 and 1048576).
 */
public final class LogBenchmark {
    private static final int RECORD_BYTES = 1024;

    private LogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LogBenchmark DIR [SECONDS] [BATCH_BYTES ...]");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) sizes.add(Integer.parseInt(args[i]));
        if (sizes.isEmpty()) sizes = List.of(16 * 1024, 1024 * 1024);
        for (int size : sizes) run(root.resolve("bench-" + size + "-0"), seconds, size);
    }

    private static ByteBuffer buildBatch(int batchBytes) {
        Random random = new Random(42);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE, batchBytes + 4096);
        byte[] value = new byte[RECORD_BYTES];
        int records = Math.max(1, batchBytes / (RECORD_BYTES + 8));
        for (int i = 0; i < records; i++) {
            random.nextBytes(value);
            builder.append(System.currentTimeMillis(), null, value);
        }
        ByteBuffer heap = builder.build();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(heap).flip();
        return direct;
    }

    private static void run(Path dir, int seconds, int batchBytes) throws IOException {
        deleteRecursively(dir);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        ByteBuffer batch = buildBatch(batchBytes);
        int recordsPerBatch = RecordBatch.at(batch, 0).recordCount();
        String label = "log.batch_" + (batchBytes >= 1024 * 1024 ? batchBytes / (1024 * 1024) + "MiB" : batchBytes / 1024 + "KiB");
        try (Log log = Log.open(dir, LogConfig.defaults(), CheckpointedOffsets.NONE, true, Time.SYSTEM, scheduler)) {
            long bytes = 0;
            long records = 0;
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 16; i++) {
                    ByteBuffer b = batch.duplicate();
                    bytes += b.remaining();
                    log.append(b);
                    records += recordsPerBatch;
                }
            }
            double appendSeconds = (System.nanoTime() - start) / 1e9;
            log.highWatermarkToLogEnd();
            print(label + ".append_MB_per_s", bytes / appendSeconds / 1e6, "MB/s");
            print(label + ".append_records_per_s", records / appendSeconds, "rec/s");
            print(label + ".appended_MB", bytes / 1e6, "MB");

            ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024 + 64 * 1024);
            long readBytes = 0;
            long readRecords = 0;
            long next = 0;
            start = System.nanoTime();
            while (next < log.highWatermark()) {
                LogReadInfo info = log.read(next, 1024 * 1024, Isolation.HIGH_WATERMARK, true);
                FileSlice slice = info.records();
                if (slice.isEmpty()) break;
                buffer.clear();
                if (buffer.capacity() < slice.size()) buffer = ByteBuffer.allocateDirect(slice.size());
                slice.readInto(buffer);
                buffer.flip();
                RecordBatchIterator it = new RecordBatchIterator(buffer);
                while (it.hasNext()) {
                    RecordBatch b = it.next();
                    readRecords += b.recordCount();
                    next = b.nextOffset();
                }
                readBytes += it.validBytes();
            }
            double readSeconds = (System.nanoTime() - start) / 1e9;
            if (readRecords != records) {
                throw new IllegalStateException("Read " + readRecords + " records back, appended " + records);
            }
            print(label + ".read_MB_per_s", readBytes / readSeconds / 1e6, "MB/s");
            print(label + ".read_records_per_s", readRecords / readSeconds, "rec/s");
        } finally {
            scheduler.shutdownNow();
            deleteRecursively(dir);
        }
    }

    private static void print(String name, double value, String unit) {
        System.out.printf("%s %.0f %s%n", name, value, unit);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
