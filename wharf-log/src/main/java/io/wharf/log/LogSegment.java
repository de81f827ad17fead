package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a log: {@code <base offset, 20 digits>.log} holding record batches (format v2) end to
 * end, with its sparse {@link OffsetIndex} ({@code .index}) and {@link TimeIndex} ({@code .timeindex}), and
 * the {@link TransactionIndex} ({@code .txnindex}) of the transactions aborted by markers it holds.
 *
 * <p>Invariants: batches are whole and their offsets increase; every offset is at least the base offset
 * and within 2^31 of it; {@link #size()} is the length of the complete batches, so a reader bounded by it
 * never sees a batch being written.
 *
 * <p>Thread-safety: appends, truncation, recovery and roll are called by the log's single writer, under
 * the log's lock. Reads ({@link #read}, {@link #translateOffset}, {@link #findOffsetByTimestamp}) take no
 * lock: they use positional reads on the channel and the indexes' published entry counts. Lookups by
 * time are in {@link SegmentTimeLookup}.
 */
public final class LogSegment {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String TXN_INDEX_SUFFIX = ".txnindex";

    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private volatile Path logFile;
    private volatile int size;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp;
    private int bytesSinceLastIndexEntry;
    private long createdMs;

    private LogSegment(Path logFile, long baseOffset, FileChannel channel, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       TransactionIndex txnIndex, int indexIntervalBytes, long createdMs) throws IOException {
        this.logFile = logFile;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.txnIndex = txnIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.size = (int) Math.min(Integer.MAX_VALUE, channel.size());
        this.offsetOfMaxTimestamp = baseOffset;
        this.createdMs = createdMs;
    }

    public static String fileStem(long offset) {
        return String.format("%020d", offset);
    }

    public static Path logFile(Path dir, long baseOffset) { return dir.resolve(fileStem(baseOffset) + LOG_SUFFIX); }
    static Path indexFile(Path dir, long baseOffset) { return dir.resolve(fileStem(baseOffset) + INDEX_SUFFIX); }
    static Path timeIndexFile(Path dir, long baseOffset) { return dir.resolve(fileStem(baseOffset) + TIME_INDEX_SUFFIX); }
    static Path txnIndexFile(Path dir, long baseOffset) { return dir.resolve(fileStem(baseOffset) + TXN_INDEX_SUFFIX); }

    /**
     * Opens (or creates) the segment whose files in {@code dir} start with {@code baseOffset}, with the
     * given file suffix (empty for live segments, e.g. {@code .cleaned} for a segment being rewritten).
     * A writable segment's indexes are mapped at their full size, ready for appends.
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, String suffix, boolean writable,
                                  long nowMs) {
        Path log = Path.of(logFile(dir, baseOffset) + suffix);
        try {
            FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            OffsetIndex index = new OffsetIndex(Path.of(indexFile(dir, baseOffset) + suffix), baseOffset,
                config.maxIndexSize(), writable);
            TimeIndex times = new TimeIndex(Path.of(timeIndexFile(dir, baseOffset) + suffix), baseOffset,
                config.maxIndexSize(), writable);
            TransactionIndex aborted = new TransactionIndex(Path.of(txnIndexFile(dir, baseOffset) + suffix));
            long created = channel.size() == 0 ? nowMs : Files.getLastModifiedTime(log).toMillis();
            return new LogSegment(log, baseOffset, channel, index, times, aborted, config.indexIntervalBytes(), created);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open segment " + log, e);
        }
    }

    public long baseOffset() { return baseOffset; }
    public int size() { return size; }
    public Path logFile() { return logFile; }
    public FileChannel channel() { return channel; }
    public OffsetIndex offsetIndex() { return offsetIndex; }
    public TimeIndex timeIndex() { return timeIndex; }
    TransactionIndex txnIndex() { return txnIndex; }
    public boolean isEmpty() { return size == 0; }

    /** The largest timestamp of any batch, or the file's modification time if no batch has one. */
    public long largestTimestamp() {
        long ts = maxTimestamp;
        if (ts >= 0) return ts;
        try {
            return Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return createdMs;
        }
    }

    public long maxTimestampSoFar() { return maxTimestamp; }

    public long offsetOfMaxTimestamp() { return offsetOfMaxTimestamp; }

    /** When this segment started taking appends (for {@code segment.ms}). */
    long createdMs() { return createdMs; }

    void setCreatedMs(long ms) { createdMs = ms; }

    /**
     * Appends whole batches whose offsets are already assigned, the last of them ending at
     * {@code largestOffset}, and indexes them as Kafka does ({@link #indexBatch}).
     */
    public void append(long largestOffset, ByteBuffer records) {
        if (!records.hasRemaining()) return;
        offsetIndex.relativeOffset(largestOffset); // throws if the segment cannot hold it
        int physicalPosition = size;
        int start = records.position();
        int end = records.limit();
        writeFully(records, physicalPosition);
        for (int at = start; at < end; ) {
            RecordBatch batch = RecordBatch.at(records, at);
            int batchSize = batch.sizeInBytes();
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), physicalPosition + at - start, batchSize);
            at += batchSize;
        }
        size = physicalPosition + end - start;
    }

    /**
     * Kafka's rule for the sparse indexes, the same on append and on recovery: batch by batch, the
     * segment's max timestamp first takes in the batch (with the batch's last offset, as Kafka's "shallow"
     * offset of the max timestamp); then, if more than {@code index.interval.bytes} lie between the last
     * indexed batch's start and this batch's start, the batch gets an offset index entry (its last offset,
     * its position) and the time index is offered the max timestamp so far.
     */
    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int batchSize) {
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    private void writeFully(ByteBuffer records, long position) {
        try {
            long pos = position;
            while (records.hasRemaining()) pos += channel.write(records, pos);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + logFile, e);
        }
    }

    /**
     * The position of the first batch whose last offset is at least {@code offset}, scanning forward from
     * the index's hint; null if the segment holds no such batch below {@code maxPosition}.
     */
    public OffsetPosition translateOffset(long offset, int maxPosition) {
        OffsetPosition hint = offsetIndex.lookup(offset);
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        int position = hint.position();
        while (position + RecordBatch.HEADER_SIZE <= maxPosition) {
            header.clear();
            if (!readAt(header, position)) return null;
            RecordBatch batch = RecordBatch.at(header, 0);
            if (batch.lastOffset() >= offset) return new OffsetPosition(batch.baseOffset(), position);
            position += batch.sizeInBytes();
        }
        return null;
    }

    boolean readAt(ByteBuffer buffer, long position) {
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + buffer.position());
                if (n < 0) return false;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + logFile + " at " + position, e);
        }
    }

    /**
     * Up to {@code maxSize} bytes of whole batches starting with the batch that holds {@code startOffset},
     * never past {@code maxPosition}. With {@code minOneBatch} the first batch is returned whole even if it
     * is larger than {@code maxSize}, so that a consumer always makes progress. Null if the offset is past
     * this segment's data below {@code maxPosition}.
     */
    public FileSlice read(long startOffset, int maxSize, int maxPosition, boolean minOneBatch) {
        int limit = Math.min(maxPosition, size);
        OffsetPosition start = translateOffset(startOffset, limit);
        if (start == null) return null;
        int available = limit - start.position();
        int length = Math.min(available, maxSize);
        if (minOneBatch && length < available) {
            ByteBuffer header = ByteBuffer.allocate(RecordBatch.LOG_OVERHEAD);
            if (readAt(header, start.position())) {
                int first = RecordBatch.LOG_OVERHEAD + header.getInt(RecordBatch.LENGTH_OFFSET);
                length = Math.min(available, Math.max(length, first));
            }
        }
        return new FileSlice(channel, start.position(), length);
    }

    /** The offset after the last batch, or the base offset if the segment is empty. */
    public long readNextOffset() {
        int end = size;
        if (end == 0) return baseOffset;
        OffsetPosition hint = offsetIndex.lookup(Long.MAX_VALUE);
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        int position = hint.position();
        long next = baseOffset;
        while (position + RecordBatch.HEADER_SIZE <= end) {
            header.clear();
            if (!readAt(header, position)) break;
            RecordBatch batch = RecordBatch.at(header, 0);
            next = batch.nextOffset();
            position += batch.sizeInBytes();
        }
        return next;
    }

    /**
     * Rebuilds the offset and time indexes by scanning every batch, and cuts the file at the first batch that
     * is torn (shorter than its length field), has a bad length or magic, fails its CRC, or whose offsets do
     * not increase; transaction index entries of markers cut away go too. Returns the number of bytes cut.
     */
    public int recover(int maxBatchSize) {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = baseOffset;
        bytesSinceLastIndexEntry = 0;
        long fileSize;
        try {
            fileSize = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read size of " + logFile, e);
        }
        int position = 0;
        long previousLastOffset = baseOffset - 1;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (position + RecordBatch.HEADER_SIZE <= fileSize) {
            ByteBuffer header = buffer.clear().limit(RecordBatch.HEADER_SIZE);
            if (!readAt(header, position)) break;
            int length = header.getInt(RecordBatch.LENGTH_OFFSET);
            if (length < RecordBatchLimits.MIN_BATCH_LENGTH || length > maxBatchSize
                || position + RecordBatch.LOG_OVERHEAD + (long) length > fileSize
                || header.get(RecordBatch.MAGIC_OFFSET) != RecordBatch.MAGIC) {
                break;
            }
            int batchSize = RecordBatch.LOG_OVERHEAD + length;
            if (buffer.capacity() < batchSize) buffer = ByteBuffer.allocate(batchSize);
            ByteBuffer whole = buffer.clear().limit(batchSize);
            if (!readAt(whole, position)) break;
            RecordBatch batch = RecordBatch.at(whole, 0);
            if (!batch.isChecksumValid() || batch.baseOffset() <= previousLastOffset || batch.lastOffsetDelta() < 0
                || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                break;
            }
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), position, batchSize);
            previousLastOffset = batch.lastOffset();
            position += batchSize;
        }
        int truncated = (int) (fileSize - position);
        if (truncated > 0) truncateFile(position);
        size = position;
        // As Kafka's recovery does, and as a segment closed normally has it: the maximum is indexed.
        timeIndex.maybeAppendFinal(maxTimestamp, offsetOfMaxTimestamp);
        // Entries of markers still here stay valid; the log's replay re-adds any whose write a crash lost.
        txnIndex.truncateTo(previousLastOffset + 1);
        return truncated;
    }

    /** Restores maxTimestamp from the time index and the last batch, after a clean load. */
    void loadTimestamps() {
        long ts = timeIndex.lastTimestamp();
        long tsOffset = ts >= 0 ? timeIndex.lookup(ts + 1) : baseOffset;
        int end = size;
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        OffsetPosition hint = offsetIndex.lookup(Long.MAX_VALUE);
        int position = hint.position();
        int sinceIndex = 0;
        while (position + RecordBatch.HEADER_SIZE <= end) {
            header.clear();
            if (!readAt(header, position)) break;
            RecordBatch batch = RecordBatch.at(header, 0);
            if (batch.maxTimestamp() > ts) {
                ts = batch.maxTimestamp();
                tsOffset = batch.lastOffset();
            }
            sinceIndex += batch.sizeInBytes();
            position += batch.sizeInBytes();
        }
        maxTimestamp = ts;
        offsetOfMaxTimestamp = tsOffset;
        bytesSinceLastIndexEntry = sinceIndex;
    }

    /** Removes every batch with an offset at or above {@code offset}. Returns the bytes removed. */
    public int truncateTo(long offset) {
        OffsetPosition start = translateOffset(offset, size);
        if (start == null) return 0;
        int position = start.position();
        if (start.offset() < offset) {
            // The batch holding the offset starts below it: a log is cut only at batch boundaries.
            throw new IllegalArgumentException("Offset " + offset + " is inside the batch at " + start.offset()
                + " in " + logFile);
        }
        int removed = size - position;
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        txnIndex.truncateTo(offset);
        truncateFile(position);
        size = position;
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        loadTimestamps();
        return removed;
    }

    private void truncateFile(long position) {
        try {
            channel.truncate(position);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot truncate " + logFile + " to " + position, e);
        }
    }

    /**
     * Called when the segment stops being the active one (roll, close): as in Kafka, the time index gets
     * the segment's maximum timestamp as its last entry, then both indexes shrink to their entries.
     */
    public void onBecomeInactive() {
        timeIndex.maybeAppendFinal(maxTimestamp, offsetOfMaxTimestamp);
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Makes a trimmed segment appendable again (it is the last one after a restart). */
    public void onBecomeActive(LogConfig config) {
        offsetIndex.resizeForAppend(config.maxIndexSize());
        timeIndex.resizeForAppend(config.maxIndexSize());
    }

    public void flush() {
        try {
            channel.force(false);
            offsetIndex.flush();
            timeIndex.flush();
            txnIndex.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot flush " + logFile, e);
        }
    }

    /** Renames the files by replacing {@code oldSuffix} with {@code newSuffix} (e.g. "" to ".deleted"). */
    public void changeSuffix(String oldSuffix, String newSuffix) {
        try {
            Path target = Path.of(strip(logFile, oldSuffix) + newSuffix);
            Files.move(logFile, target, StandardCopyOption.ATOMIC_MOVE);
            logFile = target;
            offsetIndex.renameTo(Path.of(strip(offsetIndex.file(), oldSuffix) + newSuffix));
            timeIndex.renameTo(Path.of(strip(timeIndex.file(), oldSuffix) + newSuffix));
            txnIndex.renameTo(Path.of(strip(txnIndex.file(), oldSuffix) + newSuffix));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rename segment " + logFile, e);
        }
    }

    private static String strip(Path file, String suffix) {
        String name = file.toString();
        if (!name.endsWith(suffix)) throw new IllegalStateException(file + " does not end with '" + suffix + "'");
        return name.substring(0, name.length() - suffix.length());
    }

    /** Closes the file; the indexes' mappings go with the garbage collector. */
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + logFile, e);
        }
    }

    public void closeAndDelete() {
        close();
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + logFile, e);
        }
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size + ", file=" + logFile + ")";
    }
}
