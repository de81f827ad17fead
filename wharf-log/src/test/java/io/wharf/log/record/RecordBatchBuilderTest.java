package io.wharf.log.record;

import static io.wharf.log.record.KafkaInterop.assertKafkaRecordsMatch;
import static io.wharf.log.record.KafkaInterop.kafkaRecords;
import static io.wharf.log.record.KafkaInterop.onlyKafkaBatch;
import static io.wharf.log.record.KafkaInterop.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.KafkaInterop.Sample;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Batches Wharf writes, read back by kafka-clients (the reference) and by Wharf's own decoder. */
class RecordBatchBuilderTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void kafkaReadsIdempotentBatch(Compression c) {
        List<Sample> samples = KafkaInterop.mixedSamples(1000, 1);
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(c).baseOffset(1000)
            .producer(4242L, (short) 7, 100).partitionLeaderEpoch(3);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        ByteBuffer buffer = builder.build();

        assertThat(buffer.position()).isZero();
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.sizeInBytes()).isEqualTo(buffer.remaining());
        assertThat(batch.magic()).isEqualTo((byte) 2);
        assertThat((int) batch.compressionType().id).isEqualTo(c.id());
        assertThat(batch.baseOffset()).isEqualTo(1000);
        assertThat(batch.lastOffset()).isEqualTo(1000 + samples.size() - 1);
        assertThat(batch.countOrNull()).isEqualTo(samples.size());
        assertThat(batch.producerId()).isEqualTo(4242L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 7);
        assertThat(batch.baseSequence()).isEqualTo(100);
        assertThat(batch.lastSequence()).isEqualTo(100 + samples.size() - 1);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(3);
        assertThat(batch.isTransactional()).isFalse();
        assertThat(batch.isControlBatch()).isFalse();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow());
        assertThat(batch.deleteHorizonMs()).isEmpty();

        List<org.apache.kafka.common.record.internal.Record> records = kafkaRecords(batch);
        assertKafkaRecordsMatch(records, samples);
        for (int i = 0; i < samples.size(); i++) {
            assertThat(records.get(i).timestamp()).isEqualTo(samples.get(i).timestamp());
            assertThat(records.get(i).sequence()).isEqualTo(100 + i);
        }

        RecordBatch view = RecordBatch.at(buffer, 0);
        assertThat(view.isChecksumValid()).isTrue();
        assertThat(view.checksum()).isEqualTo(batch.checksum());
        KafkaInterop.assertRecordsMatch(RecordDecoder.decode(view), samples);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void transactionalAndControlFlagsAreKafkas(Compression c) {
        ByteBuffer buffer = RecordBatchBuilder.newBatch(c).baseOffset(5).producer(9L, (short) 1, 0)
            .transactional(true).control(true)
            .append(77L, new byte[] {0, 0, 0, 1}, new byte[] {0, 0, 0, 0, 0, 0}).build();
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.isControlBatch()).isTrue();
        RecordBatch view = RecordBatch.at(buffer, 0);
        assertThat(view.isTransactional()).isTrue();
        assertThat(view.isControl()).isTrue();
        assertThat(view.compression()).isEqualTo(c);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void appendWithOffsetKeepsGaps(Compression c) {
        long[] offsets = {200, 201, 205, 300, 100_000};
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(c).baseOffset(200);
        for (long offset : offsets) {
            builder.appendWithOffset(offset, 10 * offset, ByteBuffer.wrap(utf8("k" + offset)),
                offset == 300 ? null : ByteBuffer.wrap(utf8("v" + offset)), List.of(Header.of("o", "" + offset)));
        }
        ByteBuffer buffer = builder.build();

        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.baseOffset()).isEqualTo(200);
        assertThat(batch.lastOffset()).isEqualTo(100_000);
        assertThat(batch.countOrNull()).isEqualTo(offsets.length);
        assertThat(kafkaRecords(batch).stream().map(org.apache.kafka.common.record.internal.Record::offset))
            .containsExactly(200L, 201L, 205L, 300L, 100_000L);

        RecordBatch view = RecordBatch.at(buffer, 0);
        assertThat(view.lastOffsetDelta()).isEqualTo(100_000 - 200);
        List<Record> records = RecordDecoder.decode(view);
        assertThat(records).extracting(Record::offset).containsExactly(200L, 201L, 205L, 300L, 100_000L);
        assertThat(records).extracting(Record::offsetDelta).containsExactly(0, 1, 5, 100, 99_800);
        assertThat(records).extracting(Record::timestamp).containsExactly(2000L, 2010L, 2050L, 3000L, 1_000_000L);
        assertThat(records.get(3).hasValue()).isFalse();
        assertThat(records.get(3).value()).isNull();
        assertThat(records.get(4).headers()).containsExactly(Header.of("o", "100000"));
    }

    @Test
    void appendAfterAppendWithOffsetContinuesFromIt() {
        ByteBuffer buffer = RecordBatchBuilder.newBatch(Compression.NONE).baseOffset(10)
            .append(1, null, utf8("a"))
            .appendWithOffset(20, 2, null, ByteBuffer.wrap(utf8("b")), List.of())
            .append(3, null, utf8("c"))
            .build();
        assertThat(RecordDecoder.decode(RecordBatch.at(buffer, 0))).extracting(Record::offset).containsExactly(10L, 20L, 21L);
    }

    @Test
    void offsetsMustIncreaseAndStayInRange() {
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE).baseOffset(10);
        assertThatThrownBy(() -> builder.appendWithOffset(9, 0, null, null, List.of()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
        assertThatThrownBy(() -> builder.appendWithOffset(10L + Integer.MAX_VALUE + 1, 0, null, null, List.of()))
            .isInstanceOf(IllegalArgumentException.class);
        builder.appendWithOffset(12, 0, null, null, List.of());
        assertThatThrownBy(() -> builder.appendWithOffset(12, 0, null, null, List.of()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last offset 12");
        assertThatThrownBy(() -> builder.baseOffset(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderMakesOneBatch() {
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE).append(1, null, utf8("x"));
        builder.build();
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.append(1, null, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void transactionalNeedsProducerId() {
        assertThatThrownBy(() -> RecordBatchBuilder.newBatch(Compression.NONE).transactional(true).append(1, null, null).build())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("producer id");
    }

    @Test
    void keyAndValueBuffersAreNotMoved() {
        ByteBuffer key = ByteBuffer.wrap(utf8("..key"));
        key.position(2);
        ByteBuffer value = ByteBuffer.allocateDirect(3).put(utf8("val")).flip();
        ByteBuffer buffer = RecordBatchBuilder.newBatch(Compression.NONE).appendWithOffset(0, 1, key, value, null).build();
        assertThat(key.position()).isEqualTo(2);
        assertThat(value.position()).isZero();
        Record record = RecordDecoder.decode(RecordBatch.at(buffer, 0)).get(0);
        assertThat(KafkaInterop.bytes(record.key())).isEqualTo(utf8("key"));
        assertThat(KafkaInterop.bytes(record.value())).isEqualTo(utf8("val"));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void logAppendTimeGivesEveryRecordTheMaxTimestamp(Compression c) {
        ByteBuffer buffer = RecordBatchBuilder.newBatch(c).logAppendTime(true)
            .append(100, null, utf8("a")).append(50, null, utf8("b")).build();
        RecordBatch view = RecordBatch.at(buffer, 0);
        view.setLogAppendTime(9_999L);
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(kafkaRecords(batch)).extracting(org.apache.kafka.common.record.internal.Record::timestamp)
            .containsExactly(9_999L, 9_999L);
        assertThat(RecordDecoder.decode(view)).extracting(Record::timestamp).containsExactly(9_999L, 9_999L);
    }

    @Test
    void deleteHorizonIsStoredAsKafkaExpects() {
        ByteBuffer buffer = RecordBatchBuilder.newBatch(Compression.NONE).deleteHorizonMs(5_000)
            .append(4_000, utf8("k"), null).append(6_000, utf8("k2"), utf8("v")).build();
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.deleteHorizonMs()).hasValue(5_000);
        assertThat(kafkaRecords(batch)).extracting(org.apache.kafka.common.record.internal.Record::timestamp)
            .containsExactly(4_000L, 6_000L);
        assertThat(RecordDecoder.decode(RecordBatch.at(buffer, 0))).extracting(Record::timestamp)
            .containsExactly(4_000L, 6_000L);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void emptyBatchIsHeaderOnly(Compression c) {
        ByteBuffer buffer = RecordBatchBuilder.newBatch(c).baseOffset(42).producer(1L, (short) 0, 5).build();
        assertThat(buffer.remaining()).isEqualTo(RecordBatch.HEADER_SIZE);
        assertThat(RecordBatch.at(buffer, 0).compression()).as("as Kafka writes empty batches").isEqualTo(Compression.NONE);
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.countOrNull()).isZero();
        assertThat(kafkaRecords(batch)).isEmpty();
        assertThat(RecordDecoder.decode(RecordBatch.at(buffer, 0))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void estimatedSizeIsExactWhenUncompressedAndAnUpperBoundOtherwise(Compression c) {
        Random random = new Random(c.id());
        for (int size : new int[] {0, 1, 10, 1000, 40_000, 70_000, 200_000, 1_000_000}) {
            byte[] incompressible = new byte[size];
            random.nextBytes(incompressible);
            byte[] compressible = new byte[size];
            for (List<byte[]> values : List.of(List.of(incompressible), List.of(compressible),
                    KafkaInterop.smallSamples(0, size / 100 + 1).stream().map(Sample::value).collect(Collectors.toList()))) {
                RecordBatchBuilder builder = RecordBatchBuilder.newBatch(c);
                assertThat(builder.estimatedSize()).isEqualTo(RecordBatch.HEADER_SIZE);
                values.forEach(v -> builder.append(1L, null, v));
                int estimate = builder.estimatedSize();
                int actual = builder.build().remaining();
                if (c == Compression.NONE) assertThat(actual).isEqualTo(estimate);
                else assertThat(actual).as("%s of %d bytes", c, size).isLessThanOrEqualTo(estimate);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void ofBuildsValueOnlyBatch(Compression c) {
        ByteBuffer buffer = RecordBatchBuilder.of(c, 123L, utf8("a"), utf8("bb"), new byte[0]);
        MutableRecordBatch batch = onlyKafkaBatch(buffer);
        assertThat(batch.baseOffset()).isZero();
        assertThat(batch.lastOffset()).isEqualTo(2);
        List<Record> records = RecordDecoder.decode(RecordBatch.at(buffer, 0));
        assertThat(records).extracting(r -> new String(KafkaInterop.bytes(r.value())))
            .containsExactly("a", "bb", "");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.hasKey()).isFalse();
            assertThat(r.timestamp()).isEqualTo(123L);
        });
    }

    @Test
    void headerKeysAreEncodedAsStringGetBytesDoes() {
        String[] keys = {"ascii", "é", "€", "𝄞 clef", "lone \uD800 high", "lone \uDC00 low", "end \uD83D"};
        Header[] headers = Arrays.stream(keys).map(k -> new Header(k, utf8(k))).toArray(Header[]::new);
        ByteBuffer buffer = RecordBatchBuilder.newBatch(Compression.NONE).append(0, null, null, headers).build();
        List<Header> decoded = RecordDecoder.decode(RecordBatch.at(buffer, 0)).get(0).headers();
        assertThat(decoded.stream().map(Header::key).collect(Collectors.toList())).containsExactly(
            Arrays.stream(keys).map(k -> new String(utf8(k), java.nio.charset.StandardCharsets.UTF_8)).toArray(String[]::new));
        assertThat(onlyKafkaBatch(buffer)).isNotNull();
    }

    /**
     * Not required for compatibility (readers only need valid batches) but a strong check that every
     * header field and codec setting is Kafka's: the same input gives the same bytes.
     */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void sameBytesAsKafkasBuilder(Compression c) {
        List<Sample> samples = KafkaInterop.mixedSamples(0, 3);
        RecordBatchBuilder ours = RecordBatchBuilder.newBatch(c).producer(11L, (short) 2, 40).partitionLeaderEpoch(6);
        MemoryRecordsBuilder theirs = MemoryRecords.builder(ByteBuffer.allocate(1024), (byte) 2, KafkaInterop.kafka(c),
            TimestampType.CREATE_TIME, 0L, -1L, 11L, (short) 2, 40, false, false, 6);
        for (Sample s : samples) {
            ours.append(s.timestamp(), s.key(), s.value(), s.headers());
            theirs.append(s.timestamp(), s.key(), s.value(), s.kafkaHeaders());
        }
        ByteBuffer expected = theirs.build().buffer();
        assertThat(ours.build()).isEqualTo(expected);
    }
}
