package io.wharf.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer state snapshots of one log ({@link ProducerSnapshotFile}), by offset. The log writes one when
 * a segment rolls (at the new segment's base offset) and when it closes (at the log end offset), so that a
 * restart replays only the batches after a snapshot instead of guessing where open transactions began.
 *
 * <p>Kept: the newest {@value #RETAINED}, and the newest at or below the log's recovery point, since an
 * unclean restart replays from there to rebuild the transaction indexes of the segments it recovers.
 * Snapshots below the log's first segment (their batches are gone) and above its end (their batches were
 * truncated) are useless and deleted.
 *
 * <p>Thread-safety: called under the log's lock, or while the log is loading.
 */
final class ProducerSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerSnapshots.class);
    static final int RETAINED = 3;

    private final Path dir;
    private final TreeSet<Long> offsets = new TreeSet<>();

    /** Lists the snapshots in {@code dir} and deletes the temporary files of writes a crash interrupted. */
    ProducerSnapshots(Path dir) {
        this.dir = dir;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                long offset = LogFiles.baseOffsetOf(f);
                if (offset < 0) continue;
                if (name.endsWith(ProducerSnapshotFile.TMP_SUFFIX)) delete(f);
                else if (name.endsWith(ProducerSnapshotFile.SUFFIX)) offsets.add(offset);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list producer snapshots in " + dir, e);
        }
    }

    Path dir() { return dir; }

    /** The offsets of the snapshots on disk, ascending. */
    NavigableSet<Long> offsets() { return Collections.unmodifiableNavigableSet(offsets); }

    void write(long offset, List<ProducerState> states) {
        Path file = ProducerSnapshotFile.path(dir, offset);
        try {
            ProducerSnapshotFile.write(file, states);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write producer snapshot " + file, e);
        }
        offsets.add(offset);
    }

    /** The snapshot at {@code offset}, or empty if it is corrupt: it is then deleted, with a warning. */
    Optional<List<ProducerState>> read(long offset) {
        Path file = ProducerSnapshotFile.path(dir, offset);
        try {
            return Optional.of(ProducerSnapshotFile.read(file));
        } catch (IOException e) {
            LOG.warn("Ignoring producer snapshot {}: {}", file, e.toString());
            delete(offset);
            return Optional.empty();
        }
    }

    /** Deletes all but the newest {@value #RETAINED} and the newest at or below {@code recoveryPoint}. */
    void retain(long recoveryPoint) {
        Long protectedOffset = offsets.floor(recoveryPoint);
        List<Long> oldestFirst = List.copyOf(offsets);
        for (int i = 0; i < oldestFirst.size() - RETAINED; i++) {
            if (!oldestFirst.get(i).equals(protectedOffset)) delete(oldestFirst.get(i));
        }
    }

    /** Deletes the snapshots above {@code offset} (the log is cut there; a snapshot at it stays valid). */
    void deleteAbove(long offset) {
        for (Long o : List.copyOf(offsets.tailSet(offset, false))) delete(o);
    }

    /** Deletes the snapshots below {@code offset} (the log's first segment starts there). */
    void deleteBelow(long offset) {
        for (Long o : List.copyOf(offsets.headSet(offset, false))) delete(o);
    }

    void deleteAll() {
        for (Long o : List.copyOf(offsets)) delete(o);
    }

    private void delete(long offset) {
        delete(ProducerSnapshotFile.path(dir, offset));
        offsets.remove(offset);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete producer snapshot " + file, e);
        }
    }
}
