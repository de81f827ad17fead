package io.wharf.log.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {

    @Test
    void forNameIsCaseInsensitiveAndMatchesConfigNames() {
        for (Compression c : Compression.values()) {
            assertThat(Compression.forName(c.configName())).isSameAs(c);
            assertThat(Compression.forName(c.configName().toUpperCase())).isSameAs(c);
            assertThat(Compression.fromId(c.id())).isSameAs(c);
        }
        assertThat(Compression.forName("Zstd")).isSameAs(Compression.ZSTD);
    }

    @Test
    void unknownNameListsValidOnes() {
        assertThatThrownBy(() -> Compression.forName("brotli"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("brotli")
            .hasMessageContaining("none, gzip, snappy, lz4, zstd");
        assertThatThrownBy(() -> Compression.forName(null)).isInstanceOf(IllegalArgumentException.class);
        // Kafka's topic-level "producer" is not a codec: the broker resolves it before writing.
        assertThatThrownBy(() -> Compression.forName("producer")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsMatchKafka() {
        for (Compression c : Compression.values()) {
            assertThat(org.apache.kafka.common.record.internal.CompressionType.forId(c.id()).name)
                .isEqualTo(c.configName());
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void kafkaDecompressesWhatWeCompress(Compression c) throws IOException {
        byte[] data = sampleData();
        byte[] ours = compressWithUs(c, data);
        try (InputStream in = KafkaInterop.kafka(c).wrapForInput(ByteBuffer.wrap(ours), RecordBatch.MAGIC_VALUE_V2,
                BufferSupplier.create())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void weDecompressWhatKafkaCompresses(Compression c) throws IOException {
        byte[] data = sampleData();
        byte[] theirs = compressWithKafka(c, data);
        ByteBuffer buffer = ByteBuffer.wrap(theirs);
        try (InputStream in = c.wrapForInput(buffer)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(buffer.position()).as("the caller's buffer is not moved").isZero();
    }

    /**
     * Same library, same settings, so the same bytes: this pins the choices the class comment documents
     * (lz4 frame flags and block size, the gzip and zstd buffers).
     */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void compressedBytesAreIdenticalToKafkas(Compression c) throws IOException {
        byte[] data = sampleData();
        assertThat(compressWithUs(c, data)).isEqualTo(compressWithKafka(c, data));
        byte[] small = KafkaInterop.utf8("a small payload, well under every buffer and block size");
        assertThat(compressWithUs(c, small)).isEqualTo(compressWithKafka(c, small));
    }

    /**
     * compression.&lt;codec&gt;.level (KIP-390): at every level the bytes are kafka-clients' at that level, so
     * the level is applied the way Kafka applies it (gzip's deflater level, lz4's high compressor, zstd's
     * level). Some levels give the default's bytes on this data (gzip 9 finds gzip 6's matches); level 1
     * never does.
     */
    @ParameterizedTest
    @CsvSource({"GZIP,1", "GZIP,9", "LZ4,1", "LZ4,17", "ZSTD,-5", "ZSTD,1", "ZSTD,19"})
    void compressedBytesAtALevelAreIdenticalToKafkas(Compression c, int level) throws IOException {
        byte[] data = sampleData();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = c.wrapForOutput(sink, level)) {
            out.write(data);
        }
        byte[] ours = sink.toByteArray();
        org.apache.kafka.common.compress.Compression kafka = switch (c) {
            case GZIP -> org.apache.kafka.common.compress.Compression.gzip().level(level).build();
            case LZ4 -> org.apache.kafka.common.compress.Compression.lz4().level(level).build();
            case ZSTD -> org.apache.kafka.common.compress.Compression.zstd().level(level).build();
            default -> throw new IllegalArgumentException(c + " has no levels");
        };
        ByteBufferOutputStream theirs = new ByteBufferOutputStream(1024);
        try (OutputStream out = kafka.wrapForOutput(theirs, RecordBatch.MAGIC_VALUE_V2)) {
            out.write(data);
        }
        ByteBuffer b = theirs.buffer().flip();
        assertThat(ByteBuffer.wrap(ours)).isEqualTo(b);
        if (level == 1) assertThat(ours).as("a level changes the output").isNotEqualTo(compressWithUs(c, data));
        try (InputStream in = c.wrapForInput(ByteBuffer.wrap(ours))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void levelsHaveKafkasRanges() {
        assertThat(Compression.GZIP.isValidLevel(-1)).isTrue();
        assertThat(Compression.GZIP.isValidLevel(1)).isTrue();
        assertThat(Compression.GZIP.isValidLevel(9)).isTrue();
        assertThat(Compression.GZIP.isValidLevel(0)).isFalse();
        assertThat(Compression.GZIP.isValidLevel(10)).isFalse();
        assertThat(Compression.LZ4.isValidLevel(1)).isTrue();
        assertThat(Compression.LZ4.isValidLevel(17)).isTrue();
        assertThat(Compression.LZ4.isValidLevel(18)).isFalse();
        assertThat(Compression.ZSTD.isValidLevel(-131072)).isTrue();
        assertThat(Compression.ZSTD.isValidLevel(22)).isTrue();
        assertThat(Compression.ZSTD.isValidLevel(23)).isFalse();
        assertThat(Compression.ZSTD.isValidLevel(-131073)).isFalse();
        assertThat(Compression.GZIP.defaultLevel()).isEqualTo(-1);
        assertThat(Compression.LZ4.defaultLevel()).isEqualTo(9);
        assertThat(Compression.ZSTD.defaultLevel()).isEqualTo(3);
        assertThat(com.github.luben.zstd.Zstd.minCompressionLevel()).as("zstd-jni's own range").isEqualTo(-131072);
        assertThat(com.github.luben.zstd.Zstd.maxCompressionLevel()).isEqualTo(22);
        assertThatThrownBy(() -> Compression.LZ4.wrapForOutput(new ByteArrayOutputStream(), 18))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1,...,17]");
        assertThat(Compression.GZIP.levelRange()).isEqualTo("[1,...,9] or -1");
    }

    /**
     * Other clients (librdkafka, via liblz4) may set the optional frame flags Kafka's Java writer leaves
     * off; both readers must accept a frame carrying block and content checksums and a content size.
     */
    @Test
    void lz4FramesWithOptionalChecksumsAreRead() throws IOException {
        byte[] data = sampleData();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new net.jpountz.lz4.LZ4FrameOutputStream(sink,
                net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB, data.length,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            out.write(data);
        }
        try (InputStream in = Compression.LZ4.wrapForInput(ByteBuffer.wrap(sink.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        try (InputStream in = KafkaInterop.kafka(Compression.LZ4).wrapForInput(ByteBuffer.wrap(sink.toByteArray()),
                RecordBatch.MAGIC_VALUE_V2, BufferSupplier.create())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageInputFailsWithIOException(Compression c) {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        assertThatThrownBy(() -> {
            try (InputStream in = c.wrapForInput(ByteBuffer.wrap(garbage))) {
                in.readAllBytes();
            }
        }).isInstanceOfAny(IOException.class, java.io.UncheckedIOException.class);
    }

    /** 1 MB: repetitive text then random bytes, so every codec sees compressible and incompressible blocks. */
    private static byte[] sampleData() {
        byte[] data = new byte[1024 * 1024];
        byte[] text = KafkaInterop.utf8("the quick brown fox jumps over the lazy dog; ");
        for (int i = 0; i < data.length / 2; i++) data[i] = text[i % text.length];
        byte[] random = new byte[data.length / 2];
        new Random(1).nextBytes(random);
        System.arraycopy(random, 0, data, data.length / 2, random.length);
        return data;
    }

    private static byte[] compressWithUs(Compression c, byte[] data) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = c.wrapForOutput(sink)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    private static byte[] compressWithKafka(Compression c, byte[] data) throws IOException {
        ByteBufferOutputStream sink = new ByteBufferOutputStream(1024);
        try (OutputStream out = KafkaInterop.kafka(c).wrapForOutput(sink, RecordBatch.MAGIC_VALUE_V2)) {
            out.write(data);
        }
        ByteBuffer b = sink.buffer().flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }
}
