package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Header;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code compression.type} other than producer: batches are stored in the topic's codec. */
class RecompressionTest {
    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private static LogConfig.Builder storedAs(TopicCompression compression) {
        return TestLogs.smallConfig().segmentBytes(1 << 20).compressionType(compression);
    }

    /**
     * An idempotent batch (producer 7, epoch 2, from sequence {@code firstSequence}) of five records with
     * keys, a null key, a tombstone, headers and timestamps that go backwards.
     */
    private ByteBuffer producerBatch(Compression c, int firstSequence) {
        long now = time.milliseconds();
        return RecordBatchBuilder.newBatch(c).producer(7, (short) 2, firstSequence)
            .append(now, utf8("k0"), utf8("v0"), Header.of("trace", "t0"), new Header("null-valued", null))
            .append(now - 5_000, null, utf8("no key"))
            .append(now + 10, utf8("k2"), null)
            .append(now - 1, utf8("k3"), utf8("x".repeat(2000)), Header.of("trace", "t3"), Header.of("trace", "again"))
            .append(now, utf8("k4"), new byte[0])
            .build();
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static List<RecordBatch> storedBatches(Log log) throws IOException {
        ByteBuffer all = log.read(log.logStartOffset(), 1 << 20, Isolation.LOG_END, true).records().readFully();
        List<RecordBatch> batches = new ArrayList<>();
        RecordBatchIterator.batches(all).forEach(batches::add);
        return batches;
    }

    private static void assertSameRecords(List<Record> actual, List<Record> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Record a = actual.get(i);
            Record e = expected.get(i);
            assertThat(a.offset()).as("offset of %d", i).isEqualTo(e.offset());
            assertThat(a.timestamp()).as("timestamp of %d", i).isEqualTo(e.timestamp());
            assertThat(a.key()).as("key of %d", i).isEqualTo(e.key());
            assertThat(a.value()).as("value of %d", i).isEqualTo(e.value());
            assertThat(a.headers()).as("headers of %d", i).isEqualTo(e.headers());
        }
    }

    @ParameterizedTest(name = "{0} into gzip")
    @EnumSource(value = Compression.class, names = "GZIP", mode = EnumSource.Mode.EXCLUDE)
    void aBatchInAnotherCodecIsStoredInTheTopicsCodecWithEverythingElseKept(Compression sentCodec) throws Exception {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.GZIP).build(), time)) {
            log.append(RecordBatchBuilder.of(Compression.NONE, time.milliseconds(), utf8("first")));
            ByteBuffer sent = producerBatch(sentCodec, 0);
            RecordBatch original = RecordBatch.at(sent, 0);
            List<Record> sentRecords = RecordDecoder.decode(original);
            LogAppendInfo info = log.append(sent.duplicate(), 4);

            RecordBatch stored = storedBatches(log).get(1);
            assertThat(stored.compression()).isEqualTo(Compression.GZIP);
            assertThat(stored.isChecksumValid()).isTrue();
            assertThat(stored.baseOffset()).isEqualTo(info.firstOffset()).isEqualTo(1);
            assertThat(stored.lastOffsetDelta()).isEqualTo(original.lastOffsetDelta());
            assertThat(stored.recordCount()).isEqualTo(original.recordCount());
            assertThat(stored.producerId()).isEqualTo(7);
            assertThat(stored.producerEpoch()).isEqualTo((short) 2);
            assertThat(stored.baseSequence()).isZero();
            assertThat(stored.isTransactional()).isFalse();
            assertThat(stored.baseTimestamp()).isEqualTo(original.baseTimestamp());
            assertThat(stored.maxTimestamp()).isEqualTo(original.maxTimestamp());
            assertThat(stored.partitionLeaderEpoch()).isEqualTo(4);
            List<Record> expected = RecordDecoder.decode(RecordBatch.at(sent.duplicate().putLong(0, 1), 0));
            assertSameRecords(RecordDecoder.decode(stored), expected);
            assertThat(sentRecords).hasSize(5);

            // kafka-clients reads the rebuilt batch as its own gzip batch.
            MutableRecordBatch kafka = MemoryRecords.readableRecords(stored.slice()).batches().iterator().next();
            kafka.ensureValid();
            assertThat(kafka.compressionType()).isEqualTo(CompressionType.GZIP);
            assertThat(kafka.countOrNull()).isEqualTo(5);
        }
    }

    @Test
    void aBatchAlreadyInTheTopicsCodecIsStoredByteForByte() throws Exception {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.LZ4).build(), time)) {
            ByteBuffer sent = producerBatch(Compression.LZ4, 0);
            ByteBuffer copy = ByteBuffer.allocate(sent.remaining()).put(sent.duplicate()).flip();
            log.append(sent);
            assertThat(storedBatches(log).get(0).slice()).isEqualTo(copy);
        }
    }

    @Test
    void anUncompressedTopicStoresBatchesUncompressed() throws Exception {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.UNCOMPRESSED).build(), time)) {
            ByteBuffer sent = producerBatch(Compression.ZSTD, 0);
            List<Record> expected = RecordDecoder.decode(RecordBatch.at(sent, 0));
            log.append(sent);
            RecordBatch stored = storedBatches(log).get(0);
            assertThat(stored.compression()).isEqualTo(Compression.NONE);
            assertSameRecords(RecordDecoder.decode(stored), expected);
        }
    }

    @Test
    void aProducerTopicStoresEveryCodecAsSent() throws Exception {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.PRODUCER).build(), time)) {
            for (Compression c : Compression.values()) log.append(producerBatch(c, c.id() * 5));
            assertThat(storedBatches(log)).extracting(RecordBatch::compression).containsExactly(Compression.values());
        }
    }

    @Test
    void theTopicsCompressionLevelIsUsed() throws Exception {
        byte[] compressible = utf8("the quick brown fox jumps over the lazy dog ".repeat(2000));
        int[] sizes = new int[2];
        int[] levels = {1, 9};
        for (int i = 0; i < levels.length; i++) {
            try (Log log = TestLogs.open(dir.resolve("level-" + levels[i]),
                    storedAs(TopicCompression.GZIP).gzipLevel(levels[i]).build(), time)) {
                log.append(RecordBatchBuilder.of(Compression.NONE, time.milliseconds(), compressible, compressible));
                RecordBatch stored = storedBatches(log).get(0);
                assertThat(stored.compression()).isEqualTo(Compression.GZIP);
                assertThat(RecordDecoder.decode(stored)).extracting(r -> r.valueSize()).containsOnly(compressible.length);
                sizes[i] = stored.sizeInBytes();
            }
        }
        assertThat(sizes[1]).as("level 9 compresses better than level 1").isLessThan(sizes[0]);
    }

    @Test
    void aRetriedIdempotentBatchIsStillADuplicateAfterRecompression() throws Exception {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.GZIP).build(), time)) {
            ByteBuffer sent = producerBatch(Compression.LZ4, 0);
            ByteBuffer retry = ByteBuffer.allocate(sent.remaining()).put(sent.duplicate()).flip();
            LogAppendInfo first = log.append(sent);
            LogAppendInfo again = log.append(retry);
            assertThat(again.firstOffset()).isEqualTo(first.firstOffset());
            assertThat(again.lastOffset()).isEqualTo(first.lastOffset());
            assertThat(log.logEndOffset()).isEqualTo(5);
            assertThat(log.append(producerBatch(Compression.LZ4, 5)).firstOffset()).isEqualTo(5);
            assertThatThrownBy(() -> log.append(producerBatch(Compression.LZ4, 20)))
                .isInstanceOf(InvalidBatchException.class)
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                    .isEqualTo(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE));
            assertThat(storedBatches(log)).hasSize(2).allSatisfy(b -> assertThat(b.compression()).isEqualTo(Compression.GZIP));
        }
    }

    @Test
    void aRebuiltTransactionalBatchStaysInItsTransaction() {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.ZSTD).build(), time)) {
            ByteBuffer txn = RecordBatchBuilder.newBatch(Compression.NONE).producer(9, (short) 0, 0).transactional(true)
                .append(time.milliseconds(), utf8("k"), utf8("uncommitted")).build();
            log.append(txn);
            log.highWatermarkToLogEnd();
            assertThat(log.lastStableOffset()).as("the open transaction holds the LSO").isZero();
            log.appendTransactionMarker(9, (short) 0, ControlType.ABORT, 0);
            log.highWatermarkToLogEnd();
            assertThat(log.lastStableOffset()).isEqualTo(2);
            assertThat(log.abortedTransactions(0, 2)).extracting(AbortedTransaction::producerId).containsExactly(9L);
        }
    }

    @Test
    void aBatchTooLargeOnceRecompressedIsRefused() {
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.UNCOMPRESSED).maxMessageBytes(2000).build(), time)) {
            ByteBuffer small = RecordBatchBuilder.of(Compression.ZSTD, time.milliseconds(), new byte[10_000]);
            assertThat(small.remaining()).isLessThan(2000);
            assertThatThrownBy(() -> log.append(small)).isInstanceOf(InvalidBatchException.class)
                .hasMessageContaining("after recompression")
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                    .isEqualTo(InvalidBatchException.Reason.TOO_LARGE));
            assertThat(log.logEndOffset()).isZero();
        }
    }

    /** Rebuilding cannot keep an offset range the records do not fill; refused rather than shifted. */
    @Test
    void aBatchWhoseRecordsStopShortOfItsLastOffsetIsRefused() {
        ByteBuffer odd = RecordBatchBuilder.of(Compression.NONE, time.milliseconds(), utf8("a"), utf8("b"));
        odd.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 5);
        odd.putInt(RecordBatch.CRC_OFFSET, (int) RecordBatch.at(odd, 0).computeChecksum());
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.GZIP).build(), time)) {
            assertThatThrownBy(() -> log.append(odd.duplicate())).isInstanceOf(InvalidBatchException.class)
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                    .isEqualTo(InvalidBatchException.Reason.INVALID_RECORD));
        }
    }

    @Test
    void theTimestampsOfARebuiltBatchAreChecked() {
        LogConfig config = storedAs(TopicCompression.GZIP).timestampBeforeMaxMs(1000).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            ByteBuffer old = RecordBatchBuilder.newBatch(Compression.LZ4).append(time.milliseconds(), null, utf8("new"))
                .append(time.milliseconds() - 1001, null, utf8("old")).build();
            assertThatThrownBy(() -> log.append(old)).isInstanceOf(InvalidBatchException.class)
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                    .isEqualTo(InvalidBatchException.Reason.INVALID_TIMESTAMP));
        }
    }

    @Test
    void severalBatchesInOneAppendAreEachConverted() throws Exception {
        ByteBuffer a = RecordBatchBuilder.of(Compression.GZIP, time.milliseconds(), utf8("a"));
        ByteBuffer b = RecordBatchBuilder.of(Compression.NONE, time.milliseconds(), utf8("b"), utf8("c"));
        ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
        try (Log log = TestLogs.open(dir, storedAs(TopicCompression.GZIP).build(), time)) {
            LogAppendInfo info = log.append(both);
            assertThat(info.lastOffset()).isEqualTo(2);
            List<RecordBatch> stored = storedBatches(log);
            assertThat(stored).extracting(RecordBatch::compression).containsExactly(Compression.GZIP, Compression.GZIP);
            assertThat(stored).extracting(RecordBatch::baseOffset).containsExactly(0L, 1L);
            assertThat(TestLogs.values(TestLogs.readAll(log, 0, Isolation.LOG_END))).containsExactly("a", "b", "c");
        }
    }
}
