package io.wharf.log.record;

import static io.wharf.log.record.KafkaInterop.assertRecordsMatch;
import static io.wharf.log.record.KafkaInterop.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.KafkaInterop.Sample;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Batches kafka-clients writes, decoded by Wharf; and malformed batches, which must fail cleanly. */
class RecordDecoderTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decodesKafkasTransactionalBatch(Compression c) {
        List<Sample> samples = KafkaInterop.mixedSamples(500, 2);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), (byte) 2, KafkaInterop.kafka(c),
            TimestampType.CREATE_TIME, 500L, -1L, 77L, (short) 3, 1_000, true, false, 12);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.kafkaHeaders()));
        ByteBuffer buffer = builder.build().buffer();

        RecordBatch batch = onlyBatch(buffer);
        assertThat(batch.isChecksumValid()).isTrue();
        assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC);
        assertThat(batch.compression()).isEqualTo(c);
        assertThat(batch.baseOffset()).isEqualTo(500);
        assertThat(batch.lastOffset()).isEqualTo(500 + samples.size() - 1);
        assertThat(batch.recordCount()).isEqualTo(samples.size());
        assertThat(batch.producerId()).isEqualTo(77L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 3);
        assertThat(batch.baseSequence()).isEqualTo(1_000);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(12);
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.isControl()).isFalse();
        assertThat(batch.baseTimestamp()).isEqualTo(samples.get(0).timestamp());
        assertThat(batch.maxTimestamp()).isEqualTo(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow());

        assertRecordsMatch(RecordDecoder.decode(batch), samples);
        List<Record> viaForEach = new ArrayList<>();
        RecordDecoder.forEach(batch, viaForEach::add);
        assertRecordsMatch(viaForEach, samples);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decodesWithRecordsAndIdempotentHelpers(Compression c) {
        byte[] large = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(large);
        SimpleRecord[] records = {new SimpleRecord(10L, null, utf8("v")), new SimpleRecord(11L, utf8("k"), null),
            new SimpleRecord(12L, new byte[0], new byte[0]), new SimpleRecord(13L, utf8("large"), large)};
        ByteBuffer plain = MemoryRecords.withRecords(7L, KafkaInterop.kafka(c), records).buffer();
        ByteBuffer idempotent = MemoryRecords.withIdempotentRecords(KafkaInterop.kafka(c), 99L, (short) 4, 8, records).buffer();
        for (ByteBuffer buffer : List.of(plain, idempotent)) {
            RecordBatch batch = onlyBatch(buffer);
            assertThat(batch.isChecksumValid()).isTrue();
            List<Record> decoded = RecordDecoder.decode(batch);
            assertThat(decoded).extracting(Record::timestamp).containsExactly(10L, 11L, 12L, 13L);
            assertThat(decoded).extracting(Record::keySize).containsExactly(-1, 1, 0, 5);
            assertThat(decoded).extracting(Record::valueSize).containsExactly(1, -1, 0, large.length);
            assertThat(KafkaInterop.bytes(decoded.get(3).value())).isEqualTo(large);
            assertThat(decoded.get(0).headers()).isEmpty();
        }
        assertThat(onlyBatch(plain).baseOffset()).isEqualTo(7L);
        assertThat(RecordDecoder.decode(onlyBatch(plain))).extracting(Record::offset).containsExactly(7L, 8L, 9L, 10L);
        RecordBatch idem = onlyBatch(idempotent);
        assertThat(idem.producerId()).isEqualTo(99L);
        assertThat(idem.producerEpoch()).isEqualTo((short) 4);
        assertThat(idem.baseSequence()).isEqualTo(8);
        assertThat(idem.lastSequence()).isEqualTo(11);
        assertThat(idem.isTransactional()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decodesKafkasCompactedBatchWithGapsAndLogAppendTime(Compression c) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), (byte) 2, KafkaInterop.kafka(c),
            TimestampType.LOG_APPEND_TIME, 100L, 55_555L, -1L, (short) -1, -1, false, false, -1);
        builder.appendWithOffset(100L, 1L, utf8("a"), utf8("1"));
        builder.appendWithOffset(104L, 2L, utf8("b"), null);
        builder.appendWithOffset(190L, 3L, utf8("c"), utf8("3"));
        RecordBatch batch = onlyBatch(builder.build().buffer());
        assertThat(batch.isLogAppendTime()).isTrue();
        assertThat(batch.lastOffsetDelta()).isEqualTo(90);
        List<Record> records = RecordDecoder.decode(batch);
        assertThat(records).extracting(Record::offset).containsExactly(100L, 104L, 190L);
        assertThat(records).extracting(Record::offsetDelta).containsExactly(0, 4, 90);
        assertThat(records).extracting(Record::timestamp).containsExactly(55_555L, 55_555L, 55_555L);
    }

    /** The timestamps-only walk sees exactly what a full decode sees, compressed or not, CreateTime or not. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void forEachTimestampSeesTheTimestampsDecodeSees(Compression c) {
        List<Sample> samples = KafkaInterop.mixedSamples(0, 3);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), (byte) 2, KafkaInterop.kafka(c),
            TimestampType.CREATE_TIME, 0L, -1L, -1L, (short) -1, -1, false, false, -1);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.kafkaHeaders()));
        RecordBatch batch = onlyBatch(builder.build().buffer());
        List<Long> timestamps = new ArrayList<>();
        RecordDecoder.forEachTimestamp(batch, timestamps::add);
        assertThat(timestamps).containsExactlyElementsOf(samples.stream().map(Sample::timestamp).toList())
            .as("timestamps go backwards: the first record's is not the smallest")
            .anySatisfy(t -> assertThat(t).isLessThan(batch.baseTimestamp()));

        MemoryRecordsBuilder appendTime = MemoryRecords.builder(ByteBuffer.allocate(256), (byte) 2, KafkaInterop.kafka(c),
            TimestampType.LOG_APPEND_TIME, 0L, 55_555L, -1L, (short) -1, -1, false, false, -1);
        appendTime.append(1L, utf8("a"), utf8("1"));
        appendTime.append(2L, utf8("b"), utf8("2"));
        List<Long> stamped = new ArrayList<>();
        RecordDecoder.forEachTimestamp(onlyBatch(appendTime.build().buffer()), stamped::add);
        assertThat(stamped).containsExactly(55_555L, 55_555L);
    }

    @Test
    void forEachTimestampChecksCountsAndLengthsLikeDecode() {
        ByteBuffer buffer = uncompressed(3);
        for (int cut = 1; cut < buffer.remaining() - RecordBatch.HEADER_SIZE; cut++) {
            assertTimestampWalkCorrupt(withLength(buffer, buffer.remaining() - cut), "");
        }
        ByteBuffer more = uncompressed(3);
        more.putInt(RecordBatch.RECORD_COUNT_OFFSET, 4);
        assertTimestampWalkCorrupt(more, "record count mismatch");
        ByteBuffer fewer = uncompressed(3);
        fewer.putInt(RecordBatch.RECORD_COUNT_OFFSET, 2);
        assertTimestampWalkCorrupt(fewer, "trailing bytes");
        ByteBuffer negativeLength = uncompressed(1);
        negativeLength.put(RecordBatch.RECORDS_OFFSET, (byte) 0x01); // zig-zag -1
        assertTimestampWalkCorrupt(negativeLength, "has length -1");
        ByteBuffer badVarlong = handWritten(body -> {
            body.put((byte) 0);
            for (int i = 0; i < 11; i++) body.put((byte) 0xFF); // timestampDelta: an 11-byte varlong
            body.put((byte) 0);
        });
        assertTimestampWalkCorrupt(badVarlong, "timestamp delta");
    }

    private static void assertTimestampWalkCorrupt(ByteBuffer buffer, String reason) {
        assertThatThrownBy(() -> RecordDecoder.forEachTimestamp(RecordBatch.at(buffer, 0), t -> { }))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining(reason);
    }

    @Test
    void decodesKafkasControlBatch() {
        ByteBuffer buffer = MemoryRecords.withEndTransactionMarker(30L, 1_234L, 0, 5L, (short) 2,
            new EndTransactionMarker(ControlRecordType.COMMIT, 9)).buffer();
        RecordBatch batch = onlyBatch(buffer);
        assertThat(batch.isControl()).isTrue();
        assertThat(batch.isTransactional()).isTrue();
        Record marker = RecordDecoder.decode(batch).get(0);
        assertThat(marker.offset()).isEqualTo(30L);
        assertThat(marker.timestamp()).isEqualTo(1_234L);
        ByteBuffer key = marker.key();
        assertThat(key.getShort()).as("control record key version").isZero();
        assertThat(key.getShort()).as("control type: commit").isEqualTo((short) 1);
    }

    @Test
    void recordViewsAreIndependentAndReadOnly() {
        ByteBuffer buffer = RecordBatchBuilder.of(Compression.NONE, 1L, utf8("abc"));
        Record record = RecordDecoder.decode(RecordBatch.at(buffer, 0)).get(0);
        ByteBuffer first = record.value();
        first.get();
        assertThat(record.value().remaining()).isEqualTo(3);
        assertThat(first.isReadOnly()).isTrue();
    }

    @Test
    void decodesBatchAtAnOffsetInsideALargerBuffer() {
        ByteBuffer one = RecordBatchBuilder.of(Compression.LZ4, 1L, utf8("first"));
        ByteBuffer two = RecordBatchBuilder.newBatch(Compression.NONE).baseOffset(1).append(2L, null, utf8("second")).build();
        ByteBuffer log = ByteBuffer.allocate(one.remaining() + two.remaining() + 10);
        log.put(one).put(two).flip();
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : RecordBatchIterator.batches(log)) {
            RecordDecoder.forEach(batch, r -> values.add(new String(KafkaInterop.bytes(r.value()))));
        }
        assertThat(values).containsExactly("first", "second");
    }

    // ---- malformed input: always CorruptRecordException with the base offset, never a hang or OOM ----

    @Test
    void truncatedRecordsSectionIsCorrupt() {
        ByteBuffer buffer = uncompressed(3);
        for (int cut = 1; cut < buffer.remaining() - RecordBatch.HEADER_SIZE; cut++) {
            ByteBuffer truncated = withLength(buffer, buffer.remaining() - cut);
            assertCorrupt(truncated, "");
        }
    }

    @Test
    void recordCountMismatchIsCorrupt() {
        ByteBuffer more = uncompressed(3);
        more.putInt(RecordBatch.RECORD_COUNT_OFFSET, 4);
        assertCorrupt(more, "record count mismatch");
        ByteBuffer fewer = uncompressed(3);
        fewer.putInt(RecordBatch.RECORD_COUNT_OFFSET, 2);
        assertCorrupt(fewer, "trailing bytes");
        ByteBuffer huge = uncompressed(3);
        huge.putInt(RecordBatch.RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
        assertCorrupt(huge, "record count mismatch");
        ByteBuffer negative = uncompressed(3);
        negative.putInt(RecordBatch.RECORD_COUNT_OFFSET, -1);
        assertCorrupt(negative, "negative record count");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void compressedRecordCountMismatchIsCorrupt(Compression c) {
        ByteBuffer more = RecordBatchBuilder.of(c, 1L, utf8("a"), utf8("b"));
        more.putInt(RecordBatch.RECORD_COUNT_OFFSET, 1_000_000);
        assertCorrupt(more, "record count mismatch");
        ByteBuffer fewer = RecordBatchBuilder.of(c, 1L, utf8("a"), utf8("b"));
        fewer.putInt(RecordBatch.RECORD_COUNT_OFFSET, 1);
        assertCorrupt(fewer, "trailing bytes");
    }

    @Test
    void badVarintIsCorrupt() {
        ByteBuffer buffer = uncompressed(3);
        for (int i = 0; i < 6; i++) buffer.put(RecordBatch.RECORDS_OFFSET + i, (byte) 0xFF);
        assertCorrupt(buffer, "varint");
        ByteBuffer inBody = handWritten(body -> {
            body.put((byte) 0);
            for (int i = 0; i < 11; i++) body.put((byte) 0xFF); // timestampDelta: an 11-byte varlong
            body.put((byte) 0);
        });
        assertCorrupt(inBody, "varlong");
    }

    @Test
    void negativeAndOversizedLengthsAreCorrupt() {
        assertCorrupt(handWritten(body -> recordFields(body, -5, 1, 0)), "key length -5");
        assertCorrupt(handWritten(body -> recordFields(body, 1, -2, 0)), "value length -2");
        assertCorrupt(handWritten(body -> recordFields(body, Integer.MAX_VALUE, 1, 0)), "key length");
        assertCorrupt(handWritten(body -> recordFields(body, -1, -1, -3)), "-3 headers");
        assertCorrupt(handWritten(body -> recordFields(body, -1, -1, 1_000_000)), "1000000 headers");
        assertCorrupt(handWritten(body -> {
            recordFields(body, -1, -1, 1);
            Varint.writeVarint(-1, body); // a null header key
            Varint.writeVarint(-1, body);
        }), "header key length -1");
        ByteBuffer negativeRecordLength = uncompressed(1);
        negativeRecordLength.put(RecordBatch.RECORDS_OFFSET, (byte) 0x01); // zig-zag -1
        assertCorrupt(negativeRecordLength, "has length -1");
    }

    @Test
    void recordLongerOrShorterThanItsFieldsIsCorrupt() {
        ByteBuffer buffer = uncompressed(2);
        byte length = buffer.get(RecordBatch.RECORDS_OFFSET);
        ByteBuffer shorter = buffer.duplicate();
        shorter.put(RecordBatch.RECORDS_OFFSET, (byte) (length - 2)); // zig-zag: one less
        assertCorrupt(shorter, "");
        ByteBuffer longer = uncompressed(2);
        longer.put(RecordBatch.RECORDS_OFFSET, (byte) (length + 2));
        assertCorrupt(longer, "");
    }

    @Test
    void batchThatDoesNotFitItsBufferOrHasOtherMagicIsCorrupt() {
        ByteBuffer tooLong = uncompressed(2);
        tooLong.putInt(RecordBatch.LENGTH_OFFSET, tooLong.remaining());
        assertCorrupt(tooLong, "batch length");
        ByteBuffer tooShort = uncompressed(2);
        tooShort.putInt(RecordBatch.LENGTH_OFFSET, 3);
        assertCorrupt(tooShort, "batch length");
        ByteBuffer magic1 = uncompressed(2);
        magic1.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertCorrupt(magic1, "magic 1");
        ByteBuffer unknownCodec = uncompressed(2);
        unknownCodec.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
        assertCorrupt(unknownCodec, "compression id 6");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageCompressedSectionIsCorrupt(Compression c) {
        byte[] garbage = new byte[2048];
        new Random(c.id()).nextBytes(garbage);
        ByteBuffer buffer = withRecordsSection(RecordBatchBuilder.of(c, 1L, utf8("x")), garbage);
        assertCorrupt(buffer, "");
        assertCorrupt(withRecordsSection(RecordBatchBuilder.of(c, 1L, utf8("x")), new byte[0]), "");
    }

    /** Random damage to real compressed batches: decoding either succeeds or says corrupt; it never hangs. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void randomlyDamagedBatchesFailCleanly(Compression c) {
        List<Sample> samples = KafkaInterop.smallSamples(0, 40);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(c);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), Header.of("h", "v")));
        ByteBuffer original = builder.build();
        Random random = new Random(99);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 2_000; round++) {
                ByteBuffer damaged = copy(original);
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = RecordBatch.RECORDS_OFFSET + random.nextInt(damaged.remaining() - RecordBatch.RECORDS_OFFSET);
                    damaged.put(at, (byte) random.nextInt(256));
                }
                if (random.nextBoolean()) damaged = withLength(damaged, damaged.remaining() - random.nextInt(20));
                try {
                    RecordDecoder.decode(RecordBatch.at(damaged, 0));
                } catch (CorruptRecordException expected) {
                    assertThat(expected.baseOffset()).isZero();
                }
                try {
                    RecordDecoder.forEachTimestamp(RecordBatch.at(damaged, 0), t -> { });
                } catch (CorruptRecordException expected) {
                    assertThat(expected.baseOffset()).isZero();
                }
            }
        });
    }

    /**
     * snappy-java allocates whatever a chunk claims (up to 512 MiB) before reading it; the claims are
     * checked against the bytes present first, so a flipped length costs nothing.
     */
    @Test
    void snappyChunkClaimingHugeLengthIsCorruptWithoutAllocatingIt() {
        for (int claim : new int[] {Integer.MAX_VALUE - 100, 500_000_000, 100}) {
            byte[] section = snappySection();
            ByteBuffer.wrap(section).putInt(16, claim); // the first chunk's length follows the 16-byte header
            assertCorrupt(withRecordsSection(RecordBatchBuilder.of(Compression.SNAPPY, 1L, utf8("x")), section),
                "snappy chunk claims " + claim);
        }
    }

    @Test
    void snappyBlockClaimingHugeExpansionIsCorrupt() {
        byte[] section = snappySection();
        // the block's preamble (uncompressed length varint) follows the chunk length: claim 2^32 - 1
        byte[] longPreamble = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        byte[] patched = new byte[section.length + 4];
        System.arraycopy(section, 0, patched, 0, 20);
        System.arraycopy(longPreamble, 0, patched, 20, 5);
        System.arraycopy(section, 21, patched, 25, section.length - 21);
        ByteBuffer.wrap(patched).putInt(16, ByteBuffer.wrap(section).getInt(16) + 4);
        assertCorrupt(withRecordsSection(RecordBatchBuilder.of(Compression.SNAPPY, 1L, utf8("x")), patched),
            "claims to expand to 4294967295");
    }

    private static byte[] snappySection() {
        ByteBuffer valid = RecordBatchBuilder.of(Compression.SNAPPY, 1L, utf8("x"));
        return KafkaInterop.bytes(valid.slice(RecordBatch.RECORDS_OFFSET, valid.remaining() - RecordBatch.RECORDS_OFFSET));
    }

    private static RecordBatch onlyBatch(ByteBuffer buffer) {
        List<RecordBatch> batches = new ArrayList<>();
        RecordBatchIterator.batches(buffer).forEach(batches::add);
        assertThat(batches).hasSize(1);
        return batches.get(0);
    }

    private static void assertCorrupt(ByteBuffer buffer, String reason) {
        long baseOffset = buffer.getLong(0);
        assertThatThrownBy(() -> RecordDecoder.decode(RecordBatch.at(buffer, 0)))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("base offset " + baseOffset)
            .hasMessageContaining(reason)
            .satisfies(e -> assertThat(((CorruptRecordException) e).baseOffset()).isEqualTo(baseOffset));
    }

    private static ByteBuffer uncompressed(int count) {
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE).baseOffset(31);
        KafkaInterop.smallSamples(31, count).forEach(s -> builder.append(s.timestamp(), s.key(), s.value()));
        return builder.build();
    }

    /** A copy of {@code batch} cut (or padded) to {@code size} bytes, with batchLength to match. */
    private static ByteBuffer withLength(ByteBuffer batch, int size) {
        ByteBuffer copy = ByteBuffer.allocate(size);
        copy.put(batch.duplicate().limit(Math.min(size, batch.remaining()))).clear();
        copy.putInt(RecordBatch.LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        return copy;
    }

    private static ByteBuffer withRecordsSection(ByteBuffer batch, byte[] section) {
        ByteBuffer copy = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + section.length);
        copy.put(batch.duplicate().limit(RecordBatch.HEADER_SIZE)).put(section).clear();
        copy.putInt(RecordBatch.LENGTH_OFFSET, copy.remaining() - RecordBatch.LOG_OVERHEAD);
        return copy;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b.duplicate()).clear();
        return copy;
    }

    /** Writes attributes, timestampDelta 0, offsetDelta 0, then the given key/value lengths (no bytes) and header count. */
    private static void recordFields(ByteBuffer body, int keyLength, int valueLength, int headerCount) {
        body.put((byte) 0);
        Varint.writeVarlong(0, body);
        Varint.writeVarint(0, body);
        Varint.writeVarint(keyLength, body);
        if (keyLength > 0 && keyLength < 100) body.put(new byte[keyLength]);
        Varint.writeVarint(valueLength, body);
        if (valueLength > 0 && valueLength < 100) body.put(new byte[valueLength]);
        Varint.writeVarint(headerCount, body);
    }

    /** An uncompressed batch at base offset 31 with one record whose body is written by hand. */
    private static ByteBuffer handWritten(java.util.function.Consumer<ByteBuffer> writeBody) {
        ByteBuffer body = ByteBuffer.allocate(256);
        writeBody.accept(body);
        body.flip();
        ByteBuffer section = ByteBuffer.allocate(5 + body.remaining());
        Varint.writeVarint(body.remaining(), section);
        section.put(body).flip();
        byte[] bytes = new byte[section.remaining()];
        section.get(bytes);
        return withRecordsSection(uncompressed(1), bytes);
    }
}
