package io.wharf.log.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintTest {
    private static final int[] INT_EDGES = {0, -1, 1, -64, 63, 64, -65, 8191, -8192, 8192, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 1 << 27, -(1 << 27) - 1};
    private static final long[] LONG_EDGES = {0, -1, 1, -64, 63, 64, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1L << 62, -(1L << 62) - 1};

    @Test
    void zigZagEncodingOfKnownValues() {
        assertThat(encode(0)).containsExactly(0x00);
        assertThat(encode(-1)).containsExactly(0x01);
        assertThat(encode(1)).containsExactly(0x02);
        assertThat(encode(-64)).containsExactly(0x7F);
        assertThat(encode(64)).containsExactly(0x80, 0x01);
        assertThat(encode(Integer.MAX_VALUE)).containsExactly(0xFE, 0xFF, 0xFF, 0xFF, 0x0F);
        assertThat(encode(Integer.MIN_VALUE)).containsExactly(0xFF, 0xFF, 0xFF, 0xFF, 0x0F);
    }

    @Test
    void intEdgeValuesRoundTripThroughEveryForm() throws IOException {
        for (int v : INT_EDGES) {
            ByteBuffer buffer = ByteBuffer.allocate(Varint.MAX_VARINT_SIZE);
            Varint.writeVarint(v, buffer);
            assertThat(buffer.position()).as("size of %d", v).isEqualTo(Varint.sizeOfVarint(v));
            buffer.flip();
            assertThat(Varint.readVarint(buffer)).isEqualTo(v);
            assertThat(buffer.hasRemaining()).isFalse();

            byte[] array = new byte[Varint.MAX_VARINT_SIZE + 2];
            int end = Varint.writeVarint(v, array, 2);
            assertThat(end - 2).isEqualTo(Varint.sizeOfVarint(v));
            assertThat(Varint.readVarint(ByteBuffer.wrap(array, 2, end - 2))).isEqualTo(v);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Varint.writeVarint(v, new DataOutputStream(bytes));
            assertThat(bytes.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(array, 2, end));
            assertThat(Varint.readVarint(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())))).isEqualTo(v);
        }
    }

    @Test
    void longEdgeValuesRoundTripThroughEveryForm() throws IOException {
        for (long v : LONG_EDGES) {
            ByteBuffer buffer = ByteBuffer.allocate(Varint.MAX_VARLONG_SIZE);
            Varint.writeVarlong(v, buffer);
            assertThat(buffer.position()).as("size of %d", v).isEqualTo(Varint.sizeOfVarlong(v));
            buffer.flip();
            assertThat(Varint.readVarlong(buffer)).isEqualTo(v);

            byte[] array = new byte[Varint.MAX_VARLONG_SIZE];
            int end = Varint.writeVarlong(v, array, 0);
            assertThat(end).isEqualTo(Varint.sizeOfVarlong(v));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Varint.writeVarlong(v, new DataOutputStream(bytes));
            assertThat(bytes.toByteArray()).isEqualTo(java.util.Arrays.copyOf(array, end));
            assertThat(Varint.readVarlong(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())))).isEqualTo(v);
        }
        assertThat(Varint.sizeOfVarlong(Long.MIN_VALUE)).isEqualTo(10);
        assertThat(Varint.sizeOfVarlong(0)).isEqualTo(1);
    }

    @Test
    void sameBytesAsKafka() {
        Random random = new Random(42);
        IntStream ints = IntStream.concat(IntStream.of(INT_EDGES), random.ints(10_000).map(i -> i >> random.nextInt(32)));
        ints.forEach(v -> {
            ByteBuffer ours = ByteBuffer.allocate(5);
            ByteBuffer theirs = ByteBuffer.allocate(5);
            Varint.writeVarint(v, ours);
            ByteUtils.writeVarint(v, theirs);
            assertThat(ours.array()).as("varint %d", v).isEqualTo(theirs.array());
            assertThat(Varint.sizeOfVarint(v)).isEqualTo(ByteUtils.sizeOfVarint(v));
        });
        LongStream longs = LongStream.concat(LongStream.of(LONG_EDGES), random.longs(10_000).map(l -> l >> random.nextInt(64)));
        longs.forEach(v -> {
            ByteBuffer ours = ByteBuffer.allocate(10);
            ByteBuffer theirs = ByteBuffer.allocate(10);
            Varint.writeVarlong(v, ours);
            ByteUtils.writeVarlong(v, theirs);
            assertThat(ours.array()).as("varlong %d", v).isEqualTo(theirs.array());
            assertThat(Varint.sizeOfVarlong(v)).isEqualTo(ByteUtils.sizeOfVarlong(v));
        });
    }

    @Test
    void overlongVarintIsRejected() {
        byte[] sixBytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        assertThatThrownBy(() -> Varint.readVarint(ByteBuffer.wrap(sixBytes)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("varint");
        assertThatThrownBy(() -> Varint.readVarint(new DataInputStream(new ByteArrayInputStream(sixBytes))))
            .isInstanceOf(IllegalArgumentException.class);
        // five bytes, but the last one carries bits beyond 32
        byte[] tooWide = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10};
        assertThatThrownBy(() -> Varint.readVarint(ByteBuffer.wrap(tooWide))).isInstanceOf(IllegalArgumentException.class);

        byte[] elevenBytes = new byte[11];
        java.util.Arrays.fill(elevenBytes, (byte) 0xFF);
        elevenBytes[10] = 0x01;
        assertThatThrownBy(() -> Varint.readVarlong(ByteBuffer.wrap(elevenBytes)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("varlong");
        byte[] tenWide = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, 0x02};
        assertThatThrownBy(() -> Varint.readVarlong(ByteBuffer.wrap(tenWide))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedVarintUnderflows() {
        byte[] cut = {(byte) 0x80, (byte) 0x80};
        assertThatThrownBy(() -> Varint.readVarint(ByteBuffer.wrap(cut))).isInstanceOf(BufferUnderflowException.class);
        assertThatThrownBy(() -> Varint.readVarlong(ByteBuffer.wrap(cut))).isInstanceOf(BufferUnderflowException.class);
        assertThatThrownBy(() -> Varint.readVarint(new DataInputStream(new ByteArrayInputStream(cut))))
            .isInstanceOf(EOFException.class);
    }

    private static int[] encode(int v) {
        ByteBuffer b = ByteBuffer.allocate(5);
        Varint.writeVarint(v, b);
        return IntStream.range(0, b.position()).map(i -> b.get(i) & 0xFF).toArray();
    }
}
