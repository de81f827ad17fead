package io.wharf.log.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Test fixture: sample records covering the record format's corners, and the bridge to kafka-clients,
 * the reference implementation both directions are checked against.
 */
final class KafkaInterop {
    private KafkaInterop() {}

    /** One record as written: what any reader must give back. Offsets are absolute. */
    record Sample(long offset, long timestamp, byte[] key, byte[] value, Header[] headers) {
        org.apache.kafka.common.header.Header[] kafkaHeaders() {
            return Arrays.stream(headers).map(h -> new RecordHeader(h.key(), h.value()))
                .toArray(org.apache.kafka.common.header.Header[]::new);
        }
    }

    static org.apache.kafka.common.compress.Compression kafka(Compression c) {
        return org.apache.kafka.common.compress.Compression.of(CompressionType.forId(c.id())).build();
    }

    /**
     * A deterministic mix: null, empty and short keys; null (tombstone), empty, small, 200 KB random and
     * 300 KB repetitive values (the big ones cross lz4's 64 KB, snappy's 32 KB and zstd's 128 KB blocks);
     * no headers, repeated keys, a null header value, non-ASCII keys; timestamps that go backwards.
     */
    static List<Sample> mixedSamples(long baseOffset, long seed) {
        Random random = new Random(seed);
        List<Sample> samples = new ArrayList<>();
        long offset = baseOffset;
        long timestamp = 1_700_000_000_000L;
        byte[] big = new byte[200 * 1024];
        random.nextBytes(big);
        byte[] repetitive = "wharf ".repeat(50 * 1024).getBytes(StandardCharsets.UTF_8);
        Header[] none = new Header[0];
        samples.add(new Sample(offset++, timestamp, null, utf8("no key"), none));
        samples.add(new Sample(offset++, timestamp + 5, utf8("k1"), null, none));
        samples.add(new Sample(offset++, timestamp - 1000, new byte[0], new byte[0], none));
        samples.add(new Sample(offset++, timestamp + 1, utf8("k2"), utf8("with headers"), new Header[] {
            Header.of("trace", "abc"), new Header("nullable", null), Header.of("trace", "again"),
            new Header("", new byte[0]), Header.of("ключ-🚀", "значение")}));
        samples.add(new Sample(offset++, timestamp + 2, utf8("big"), big, none));
        samples.add(new Sample(offset++, timestamp + 3, null, repetitive, new Header[] {Header.of("h", "v")}));
        for (int i = 0; i < 50; i++) {
            samples.add(new Sample(offset++, timestamp + random.nextInt(10_000) - 5_000, utf8("key-" + (i % 7)),
                utf8("value-" + i + "-" + "x".repeat(random.nextInt(100))), none));
        }
        return samples;
    }

    /** Small records at consecutive offsets from {@code baseOffset}. */
    static List<Sample> smallSamples(long baseOffset, int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(new Sample(baseOffset + i, 1_000L + i, utf8("k" + i), utf8("v" + i), new Header[0]));
        }
        return samples;
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static byte[] bytes(ByteBuffer b) {
        if (b == null) return null;
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The single batch kafka-clients finds in {@code buffer}, after its own CRC and size checks. */
    static MutableRecordBatch onlyKafkaBatch(ByteBuffer buffer) {
        List<MutableRecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(buffer.duplicate()).batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        MutableRecordBatch batch = batches.get(0);
        batch.ensureValid();
        return batch;
    }

    static List<org.apache.kafka.common.record.internal.Record> kafkaRecords(MutableRecordBatch batch) {
        List<org.apache.kafka.common.record.internal.Record> records = new ArrayList<>();
        try (CloseableIterator<org.apache.kafka.common.record.internal.Record> it = batch.streamingIterator(
                org.apache.kafka.common.utils.internals.BufferSupplier.create())) {
            it.forEachRemaining(records::add);
        }
        return records;
    }

    /** Asserts that Kafka decoded exactly {@code expected} (timestamps are checked by the caller). */
    static void assertKafkaRecordsMatch(List<org.apache.kafka.common.record.internal.Record> actual, List<Sample> expected) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Sample s = expected.get(i);
            org.apache.kafka.common.record.internal.Record r = actual.get(i);
            assertThat(r.offset()).as("offset of %d", i).isEqualTo(s.offset());
            assertThat(r.hasKey()).isEqualTo(s.key() != null);
            assertThat(bytes(r.key())).as("key of %d", i).isEqualTo(s.key());
            assertThat(r.hasValue()).isEqualTo(s.value() != null);
            assertThat(bytes(r.value())).as("value of %d", i).isEqualTo(s.value());
            assertThat(r.headers()).hasSize(s.headers().length);
            for (int h = 0; h < s.headers().length; h++) {
                assertThat(r.headers()[h].key()).isEqualTo(s.headers()[h].key());
                assertThat(r.headers()[h].value()).isEqualTo(s.headers()[h].value());
            }
        }
    }

    /** Asserts that Wharf decoded exactly {@code expected}, timestamps included. */
    static void assertRecordsMatch(List<Record> actual, List<Sample> expected) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Sample s = expected.get(i);
            Record r = actual.get(i);
            assertThat(r.offset()).as("offset of %d", i).isEqualTo(s.offset());
            assertThat(r.timestamp()).as("timestamp of %d", i).isEqualTo(s.timestamp());
            assertThat(r.hasKey()).isEqualTo(s.key() != null);
            assertThat(bytes(r.key())).as("key of %d", i).isEqualTo(s.key());
            assertThat(r.hasValue()).isEqualTo(s.value() != null);
            assertThat(bytes(r.value())).as("value of %d", i).isEqualTo(s.value());
            assertThat(r.headers()).containsExactly(s.headers());
        }
    }
}
