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
 * <p>Usage: {@code LogBenchmark DIR [SECONDS] [CASE ...]}, a case being {@code raw} (plain FileChannel
 * writes, the JVM's ceiling) or a batch size in bytes (defaults: 10 s; raw, 16384, 1048576).
 * {@code bench/log.sh} runs each case in its own JVM after a {@code sync}, so that no case pays for the
 * previous one's dirty pages.
 */
public final class LogBenchmark {
    private static final int RECORD_BYTES = 1024;
    private static final long GIB = 1L << 30;

    private LogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LogBenchmark DIR [SECONDS] [raw|BATCH_BYTES ...]");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> cases = new ArrayList<>();
        for (int i = 2; i < args.length; i++) cases.add(args[i]);
        if (cases.isEmpty()) cases = List.of("raw", "16384", "1048576");
        for (String c : cases) {
            if (c.equals("raw")) rawWrite(root.resolve("raw-write"), seconds);
            else run(root.resolve("bench-" + c + "-0"), seconds, Integer.parseInt(c));
        }
    }

    /**
     * The ceiling for appends on this machine as seen from the JVM: plain sequential 1 MiB writes of a
     * direct buffer to one file with {@code FileChannel.write}, no fsync, for the same duration. The
     * page cache absorbs writes only until the kernel's dirty limit; past it, writes run at the speed of
     * writeback, so the same duration is what makes the figures comparable.
     */
    private static void rawWrite(Path file, int seconds) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(1024 * 1024);
        new Random(7).ints(block.capacity() / 4).forEach(block::putInt);
        long bytes = 0;
        long firstGiBNanos = 0;
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            while (System.nanoTime() < deadline) {
                block.clear();
                while (block.hasRemaining()) bytes += channel.write(block);
                if (firstGiBNanos == 0 && bytes >= GIB) firstGiBNanos = System.nanoTime() - start;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        if (firstGiBNanos > 0) print("raw.filechannel_first_GiB_MB_per_s", GIB / (firstGiBNanos / 1e9) / 1e6, "MB/s");
        print("raw.filechannel_write_1MiB_MB_per_s", bytes / ((System.nanoTime() - start) / 1e9) / 1e6, "MB/s");
        print("raw.filechannel_written_MB", bytes / 1e6, "MB");
    }

    /** One batch of 1 KiB records, as many as fit in {@code batchBytes} (at least one). */
    private static ByteBuffer buildBatch(int batchBytes) {
        Random random = new Random(42);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE, batchBytes + 4096);
        byte[] value = new byte[RECORD_BYTES];
        // Each record adds its value plus a few bytes of varint framing; stop before the next one would
        // overflow the batch size (a 1 MiB batch must stay under max.message.bytes).
        int perRecord = RECORD_BYTES + 16;
        while (builder.recordCount() == 0 || builder.estimatedSize() + perRecord <= batchBytes) {
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
        print(label + ".records_per_batch", recordsPerBatch, "records");
        try (Log log = Log.open(dir, LogConfig.defaults(), CheckpointedOffsets.NONE, true, Time.SYSTEM, scheduler)) {
            long bytes = 0;
            long records = 0;
            long firstGiBNanos = 0;
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 16; i++) {
                    ByteBuffer b = batch.duplicate();
                    bytes += b.remaining();
                    log.append(b);
                    records += recordsPerBatch;
                }
                if (firstGiBNanos == 0 && bytes >= GIB) firstGiBNanos = System.nanoTime() - start;
            }
            double appendSeconds = (System.nanoTime() - start) / 1e9;
            // The first GiB is the volume limits.sh's fio writes: what the page cache absorbs before the
            // kernel's dirty limit makes writes wait for the disk.
            if (firstGiBNanos > 0) print(label + ".append_first_GiB_MB_per_s", GIB / (firstGiBNanos / 1e9) / 1e6, "MB/s");
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
