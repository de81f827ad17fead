package io.wharf.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A sparse index of fixed-size entries, sorted by key, memory-mapped from a file that is preallocated to
 * its maximum size while its segment is active and trimmed to its entries when the segment rolls or
 * closes.
 *
 * <p>Thread-safety: one writer (the log's append path, under the log's lock) and any number of readers.
 * A writer stores an entry's bytes and then bumps the volatile entry count, so a reader that reads the
 * count first sees only complete entries. Readers use absolute gets, which never move the shared buffer's
 * position. Trimming shortens the file but keeps the mapping: readers only touch the first
 * {@code entries} slots, which stay inside the file.
 */
abstract class MappedIndex implements AutoCloseable {
    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens or creates the index. An existing file's length decides how many entries it has; a caller that
     * does not trust them (after a crash) calls {@link #reset()} and rebuilds.
     */
    protected MappedIndex(Path file, long baseOffset, int maxIndexSize, int entrySize, boolean writable) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        try {
            boolean exists = Files.exists(file);
            long existingLength = exists ? Files.size(file) : 0;
            if (existingLength % entrySize != 0) {
                // A partial entry can only come from a crash mid-write; drop it (the caller rebuilds anyway).
                existingLength -= existingLength % entrySize;
            }
            this.entries = (int) (existingLength / entrySize);
            map(writable ? Math.max(existingLength, roundDown(maxIndexSize, entrySize)) : existingLength, writable);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open index " + file, e);
        }
    }

    private static long roundDown(int size, int entrySize) {
        return Math.max(entrySize, size - size % entrySize);
    }

    private void map(long length, boolean writable) throws IOException {
        StandardOpenOption[] options = writable
            ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE}
            : new StandardOpenOption[] {StandardOpenOption.READ};
        try (FileChannel channel = FileChannel.open(file, options)) {
            if (writable && channel.size() != length) {
                if (channel.size() > length) channel.truncate(length);
                else channel.write(java.nio.ByteBuffer.allocate(1), length - 1);
            }
            this.mmap = channel.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, length);
            this.maxEntries = (int) (length / entrySize);
        }
    }

    public final int entries() { return entries; }
    /** No room for another entry: the segment must roll. */
    public boolean isFull() { return entries >= maxEntries; }
    protected final int maxEntries() { return maxEntries; }
    public final Path file() { return file; }
    public final long baseOffset() { return baseOffset; }
    protected final int entrySize() { return entrySize; }
    protected final MappedByteBuffer buffer() { return mmap; }

    /** Makes {@code count} entries visible to readers; their bytes must already be written. */
    protected final void publish(int count) { this.entries = count; }

    protected final int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IndexOffsetOverflowException("Offset " + offset + " is not within 2^31 of base offset "
                + baseOffset + " of index " + file);
        }
        return (int) relative;
    }

    /**
     * Binary search: the slot of the last entry whose key is at most {@code target}, or -1 if every key is
     * larger (or there are no entries).
     */
    protected final int largestLowerBound(long target) {
        MappedByteBuffer buf = mmap;
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(buf, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The key of slot {@code n}: an absolute offset or a timestamp. */
    protected abstract long keyAt(MappedByteBuffer buf, int n);

    /** Drops every entry whose key is at least {@code key}. */
    protected final void truncateToKey(long key) {
        int keep = largestLowerBound(key - 1) + 1;
        publish(keep);
    }

    public final void reset() { publish(0); }

    public final void flush() { mmap.force(); }

    /** Shrinks the file to its entries; the segment will append no more. */
    public final void trimToValidSize() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate((long) entries * entrySize);
            maxEntries = entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot trim index " + file, e);
        }
    }

    /** Re-opens a trimmed index for appending (the segment became active again after a restart). */
    public final void resizeForAppend(int maxIndexSize) {
        try {
            map(Math.max((long) entries * entrySize, roundDown(maxIndexSize, entrySize)), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resize index " + file, e);
        }
    }

    public final void renameTo(Path target) {
        try {
            if (Files.exists(file)) Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            file = target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rename index " + file + " to " + target, e);
        }
    }

    public final void deleteIfExists() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete index " + file, e);
        }
    }

    @Override
    public void close() {
        // The mapping is released by the garbage collector: unmapping by hand would crash a reader that
        // still holds this buffer.
    }
}
