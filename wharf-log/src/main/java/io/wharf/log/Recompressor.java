package io.wharf.log;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code compression.type} on the append path: a producer batch in another codec than the log's is
 * decompressed and rebuilt in the log's codec (at its {@code compression.<codec>.level}), as Kafka's
 * {@code LogValidator} does. What a rebuilt batch keeps, so that consumers and the producer state cannot
 * tell it from the original: base offset and every record's offset delta, timestamps (the batch's
 * timestamp type included), keys, values, headers, producer id, epoch and base sequence (so an idempotent
 * producer's retry is still recognised as a duplicate), the transactional flag and the partition leader
 * epoch. Only the records section, the attributes' codec bits, the length and the CRC change; maxTimestamp
 * is recomputed from the records.
 *
 * <p>A batch already in the log's codec, and a control batch (written by the broker), is stored byte for
 * byte: when no batch needs rebuilding the caller's buffer is returned as it is, so the zero-copy path of
 * {@code compression.type=producer} and of producers that already use the topic's codec is unchanged.
 *
 * <p>A rebuilt batch is checked again against {@code max.message.bytes} (a codec change can make a batch
 * larger, as Kafka checks after recompression), and its offset range must be the original's: a batch whose
 * records do not end at its lastOffsetDelta cannot be rebuilt without changing the offsets it takes, and is
 * refused as INVALID_RECORD rather than silently shifting them.
 *
 * <p>Stateless; runs before the log's lock is taken, since the work depends only on the batches and the
 * config, never on offsets.
 */
final class Recompressor {
    /** The builder's first guess at a rebuilt batch's uncompressed size, per byte of compressed input. */
    private static final int EXPANSION_GUESS = 4;
    private static final int MAX_INITIAL_CAPACITY = 8 * 1024 * 1024;

    private Recompressor() {
    }

    /** Whether any batch of {@code records} would be rebuilt for {@code codec}. */
    static boolean isNeeded(ByteBuffer records, Compression codec) {
        for (RecordBatch batch : RecordBatchIterator.batches(records)) {
            if (needsRebuild(batch, codec)) return true;
        }
        return false;
    }

    /**
     * {@code records} with every batch in {@code codec}: rebuilt ones in a new buffer, the others copied
     * unchanged. Each batch's timestamps are validated on the way, on the decoded records for a rebuilt
     * batch (so it is decompressed once).
     */
    static ByteBuffer recompress(ByteBuffer records, Compression codec, int level, int maxBatchBytes,
                                 TimestampValidator timestamps) {
        List<ByteBuffer> batches = new ArrayList<>(1);
        int total = 0;
        for (RecordBatch batch : RecordBatchIterator.batches(records)) {
            ByteBuffer out;
            if (needsRebuild(batch, codec)) {
                out = rebuild(batch, codec, level, maxBatchBytes, timestamps);
            } else {
                timestamps.validate(batch);
                out = batch.slice();
            }
            batches.add(out);
            total += out.remaining();
        }
        if (batches.size() == 1) return batches.get(0);
        ByteBuffer joined = ByteBuffer.allocate(total);
        for (ByteBuffer b : batches) joined.put(b);
        return joined.flip();
    }

    private static boolean needsRebuild(RecordBatch batch, Compression codec) {
        if (batch.isControl()) return false;
        try {
            return batch.compression() != codec;
        } catch (IllegalArgumentException e) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Record batch has an unknown"
                + " compression codec: " + e.getMessage());
        }
    }

    private static ByteBuffer rebuild(RecordBatch batch, Compression codec, int level, int maxBatchBytes,
                                      TimestampValidator timestamps) {
        List<Record> records = RecordDecoder.decode(batch);
        timestamps.validate(batch, records);
        boolean compressed = batch.compression() != Compression.NONE;
        long guess = (long) batch.sizeInBytes() * (compressed ? EXPANSION_GUESS : 1);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(codec, (int) Math.min(guess, MAX_INITIAL_CAPACITY))
            .compressionLevel(level)
            .baseOffset(batch.baseOffset())
            .producer(batch.producerId(), batch.producerEpoch(), batch.baseSequence())
            .transactional(batch.isTransactional())
            .partitionLeaderEpoch(batch.partitionLeaderEpoch())
            .logAppendTime(batch.isLogAppendTime());
        ByteBuffer rebuilt;
        try {
            for (Record r : records) builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
            rebuilt = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Record batch cannot be"
                + " rebuilt in " + codec.configName() + ": " + e.getMessage());
        }
        RecordBatch out = RecordBatch.at(rebuilt, 0);
        if (out.lastOffsetDelta() != batch.lastOffsetDelta()) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Record batch's last record"
                + " has offset delta " + out.lastOffsetDelta() + " but its header says lastOffsetDelta "
                + batch.lastOffsetDelta() + "; it cannot be rebuilt in " + codec.configName());
        }
        if (out.sizeInBytes() > maxBatchBytes) {
            throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE, "Record batch of "
                + out.sizeInBytes() + " bytes after recompression to " + codec.configName()
                + " is larger than the limit of " + maxBatchBytes + " bytes (max.message.bytes)");
        }
        return rebuilt;
    }
}
