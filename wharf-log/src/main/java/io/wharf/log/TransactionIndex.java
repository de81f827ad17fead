package io.wharf.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code .txnindex} file of a segment: the transactions aborted by a marker stored in that segment,
 * which a read_committed fetch needs to drop their records. Kafka's layout: entries of 34 bytes, big-endian,
 * in marker order —
 *
 * <pre>
 * int16 version (0)   int64 producerId   int64 firstOffset   int64 lastOffset (the marker)   int64 lastStableOffset
 * </pre>
 *
 * <p>The file is created with its first entry: most segments never see an abort and have none. The entries
 * are few, so they are also held in memory and a fetch never reads the file. Markers only move forward,
 * so each entry's lastOffset is above the previous one's; a file that breaks this (a torn write) is read
 * up to the first bad entry, and recovery re-adds what the log still proves.
 *
 * <p>Thread-safety: one writer, under the log's lock; readers take the published immutable list without
 * a lock. The file is opened for each write only: aborts are rare, and a segment keeps no descriptor for it.
 */
final class TransactionIndex {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionIndex.class);
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private volatile Path file;
    private volatile List<AbortedTransaction> entries;
    private boolean dirty;

    TransactionIndex(Path file) {
        this.file = file;
        this.entries = read(file);
    }

    private static List<AbortedTransaction> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read transaction index " + file, e);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<AbortedTransaction> result = new ArrayList<>();
        long previousMarker = -1;
        while (buf.remaining() >= ENTRY_SIZE) {
            short version = buf.getShort();
            AbortedTransaction txn = new AbortedTransaction(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
            if (version != VERSION || txn.lastOffset() <= previousMarker || txn.firstOffset() > txn.lastOffset()) {
                LOG.warn("Transaction index {} holds a bad entry at position {} (version {}, {}); ignoring it and the rest",
                    file, buf.position() - ENTRY_SIZE, version, txn);
                break;
            }
            result.add(txn);
            previousMarker = txn.lastOffset();
        }
        return List.copyOf(result);
    }

    Path file() { return file; }

    List<AbortedTransaction> all() { return entries; }

    boolean isEmpty() { return entries.isEmpty(); }

    /** The marker offset of the last entry, or -1 if there is none. */
    long lastMarkerOffset() {
        List<AbortedTransaction> current = entries;
        return current.isEmpty() ? -1 : current.get(current.size() - 1).lastOffset();
    }

    /** Adds an entry; its marker must follow the last one. */
    void append(AbortedTransaction txn) {
        List<AbortedTransaction> current = entries;
        if (txn.lastOffset() <= lastMarkerOffset()) {
            throw new IllegalStateException("Transaction index " + file + ": marker offset " + txn.lastOffset()
                + " does not follow the last entry's " + lastMarkerOffset());
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE).putShort(VERSION).putLong(txn.producerId())
            .putLong(txn.firstOffset()).putLong(txn.lastOffset()).putLong(txn.lastStableOffset()).flip();
        long position = (long) current.size() * ENTRY_SIZE;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // A torn entry left by a crash is overwritten: the file holds exactly the entries in memory.
            while (entry.hasRemaining()) position += channel.write(entry, position);
            channel.truncate(position);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to transaction index " + file, e);
        }
        List<AbortedTransaction> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(txn);
        entries = List.copyOf(next);
        dirty = true;
    }

    /**
     * Adds to {@code out} the entries whose marker is at or after {@code fetchOffset} and whose first offset
     * is below {@code upperBoundOffset}. Returns true once an entry's last stable offset reaches
     * {@code upperBoundOffset}: no later entry, here or in a later segment, can then start below it (it
     * would have been open when that entry was written, holding its last stable offset down).
     */
    boolean collect(long fetchOffset, long upperBoundOffset, List<AbortedTransaction> out) {
        for (AbortedTransaction txn : entries) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) out.add(txn);
            if (txn.lastStableOffset() >= upperBoundOffset) return true;
        }
        return false;
    }

    /** Drops the entries whose marker is at or above {@code offset} (the log was cut there). */
    void truncateTo(long offset) {
        List<AbortedTransaction> current = entries;
        int keep = 0;
        while (keep < current.size() && current.get(keep).lastOffset() < offset) keep++;
        if (keep == current.size()) return;
        entries = List.copyOf(current.subList(0, keep));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate((long) keep * ENTRY_SIZE);
            dirty = true;
        } catch (NoSuchFileException e) {
            // Never written (a crash before the first entry reached the disk): nothing to cut.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot truncate transaction index " + file, e);
        }
    }

    void flush() {
        if (!dirty) return;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
            dirty = false;
        } catch (NoSuchFileException e) {
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot flush transaction index " + file, e);
        }
    }

    void renameTo(Path target) {
        try {
            if (Files.exists(file)) Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            file = target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rename transaction index " + file + " to " + target, e);
        }
    }

    void deleteIfExists() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete transaction index " + file, e);
        }
    }
}
