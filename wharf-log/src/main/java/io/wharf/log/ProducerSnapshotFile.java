package io.wharf.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The format of a producer state snapshot, {@code <offset, 20 digits>.snapshot}: the state of every
 * producer after all batches below that offset. Big-endian, framed like Kafka's snapshot (version, then a
 * CRC-32C of the rest) but Wharf's own body, since Wharf restores each producer's last five batches where
 * Kafka keeps only the last one:
 *
 * <pre>
 * int16 version (1)
 * int32 CRC-32C of every byte after this field
 * int32 producer count, then per producer:
 *   int64 producerId   int16 epoch   int32 coordinatorEpoch (-1: no marker seen)   int64 lastTimestamp
 *   int64 openTransactionFirstOffset (-1: none)
 *   int8  batch count (0..5), then per batch, oldest first:
 *     int32 firstSequence   int32 lastSequence   int64 firstOffset   int64 lastOffset   int64 maxTimestamp
 * </pre>
 *
 * A file is written whole to a temporary name, forced to disk and renamed into place, so a crash leaves the
 * old set of snapshots or the new one; a file that is nevertheless damaged fails its CRC or its length and
 * is reported as corrupt, never half-read.
 */
final class ProducerSnapshotFile {
    static final String SUFFIX = ".snapshot";
    static final String TMP_SUFFIX = ".snapshot.tmp";
    private static final short VERSION = 1;
    private static final int CRC_OFFSET = 2;
    /** Where the bytes the CRC covers start: after the version and the CRC itself. */
    private static final int BODY_OFFSET = CRC_OFFSET + 4;
    private static final int HEADER_SIZE = BODY_OFFSET + 4;
    private static final int PRODUCER_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 8 + 8;

    /** A snapshot whose bytes cannot be trusted. */
    static final class CorruptSnapshotException extends IOException {
        CorruptSnapshotException(Path file, String problem) {
            super("Producer snapshot " + file + " is corrupt: " + problem);
        }
    }

    private ProducerSnapshotFile() {
    }

    static Path path(Path dir, long offset) { return dir.resolve(LogSegment.fileStem(offset) + SUFFIX); }

    static void write(Path file, List<ProducerState> states) throws IOException {
        int size = HEADER_SIZE;
        for (ProducerState s : states) size += PRODUCER_SIZE + s.batches().size() * BATCH_SIZE;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putInt(0).putInt(states.size());
        for (ProducerState s : states) {
            buf.putLong(s.producerId()).putShort(s.epoch()).putInt(s.coordinatorEpoch()).putLong(s.lastTimestamp())
                .putLong(s.openTransactionFirstOffset()).put((byte) s.batches().size());
            for (ProducerStateManager.BatchMetadata b : s.batches()) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                    .putLong(b.maxTimestamp());
            }
        }
        buf.putInt(CRC_OFFSET, (int) crc(buf.array()));
        buf.flip();
        Path tmp = file.resolveSibling(file.getFileName().toString().replace(SUFFIX, TMP_SUFFIX));
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static List<ProducerState> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_SIZE) throw new CorruptSnapshotException(file, bytes.length + " bytes, no header");
        short version = buf.getShort();
        if (version != VERSION) throw new CorruptSnapshotException(file, "version " + version + ", expected " + VERSION);
        long stored = Integer.toUnsignedLong(buf.getInt());
        long computed = crc(bytes);
        if (stored != computed) {
            throw new CorruptSnapshotException(file, "CRC stored " + stored + ", computed " + computed);
        }
        int count = buf.getInt();
        if (count < 0 || (long) count * PRODUCER_SIZE > buf.remaining()) {
            throw new CorruptSnapshotException(file, "producer count " + count + " does not fit " + bytes.length + " bytes");
        }
        List<ProducerState> states = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                long producerId = buf.getLong();
                short epoch = buf.getShort();
                int coordinatorEpoch = buf.getInt();
                long lastTimestamp = buf.getLong();
                long txnFirstOffset = buf.getLong();
                int batchCount = buf.get();
                if (batchCount < 0 || batchCount > ProducerStateManager.CACHED_BATCHES) {
                    throw new CorruptSnapshotException(file, "producer " + producerId + " has " + batchCount + " batches");
                }
                List<ProducerStateManager.BatchMetadata> batches = new ArrayList<>(batchCount);
                for (int b = 0; b < batchCount; b++) {
                    batches.add(new ProducerStateManager.BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(),
                        buf.getLong(), buf.getLong()));
                }
                states.add(new ProducerState(producerId, epoch, coordinatorEpoch, lastTimestamp, txnFirstOffset, batches));
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptSnapshotException(file, "ends inside producer " + states.size() + " of " + count);
        }
        if (buf.hasRemaining()) throw new CorruptSnapshotException(file, buf.remaining() + " bytes after the last producer");
        return states;
    }

    /** CRC-32C of everything after the CRC field. */
    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, BODY_OFFSET, bytes.length - BODY_OFFSET);
        return crc.getValue();
    }
}
