package io.wharf.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-directory offset checkpoint in Kafka's text format, one file per kind of offset
 * ({@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint},
 * {@code replication-offset-checkpoint}, {@code cleaner-offset-checkpoint}):
 *
 * <pre>
 * 0                  version
 * 2                  number of entries
 * orders 0 1200      name partition offset
 * orders 1 977
 * </pre>
 *
 * Written to a temporary file, forced to disk and renamed over the old one, so a crash leaves either the
 * old or the new checkpoint, never half of one.
 */
public final class CheckpointFile {
    private static final int VERSION = 0;
    private final Path file;

    public CheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() { return file; }

    public synchronized void write(Map<LogId, Long> offsets) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(VERSION + "\n" + offsets.size() + "\n");
            for (Map.Entry<LogId, Long> e : new TreeMap<>(offsets).entrySet()) {
                out.write(e.getKey().name() + " " + e.getKey().partition() + " " + e.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + tmp, e);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot flush checkpoint " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot replace checkpoint " + file, e);
        }
    }

    /** The entries, or an empty map if the file does not exist. A malformed file is an error. */
    public synchronized Map<LogId, Long> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + file, e);
        }
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalStateException("Checkpoint " + file + " has no version " + VERSION + " header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IllegalStateException("Checkpoint " + file + " declares " + count + " entries but has "
                    + (lines.size() - 2));
            }
            Map<LogId, Long> result = new TreeMap<>();
            for (int i = 2; i < 2 + count; i++) {
                String[] parts = lines.get(i).trim().split(" ");
                if (parts.length != 3) throw new IllegalStateException("Malformed line " + (i + 1) + " in " + file);
                result.put(new LogId(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
            return result;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Malformed checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
