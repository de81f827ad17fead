package io.wharf.log.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers, as the v2 record format (and protobuf's {@code sint32}/{@code sint64})
 * encodes them: the value is zig-zag mapped ({@code 0, -1, 1, -2, ...} to {@code 0, 1, 2, 3, ...}) so
 * small negative numbers stay short, then written seven bits at a time, least significant group first,
 * with the high bit of each byte set when another byte follows. An int takes 1 to 5 bytes, a long 1 to 10.
 *
 * <p>Reading is strict: a varint whose fifth byte (a varlong's tenth) carries bits beyond 32 (64) bits, or
 * a continuation bit, is rejected with {@link IllegalArgumentException} rather than silently truncated;
 * no writer produces one, so it can only be corruption. Running out of input surfaces as the source's
 * own error ({@link java.nio.BufferUnderflowException}, {@link java.io.EOFException}).
 *
 * <p>The ByteBuffer methods are relative: they read or write at the position and advance it.
 */
public final class Varint {
    public static final int MAX_VARINT_SIZE = 5;
    public static final int MAX_VARLONG_SIZE = 10;

    private Varint() {}

    public static int sizeOfVarint(int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        return (31 - Integer.numberOfLeadingZeros(zigzag | 1)) / 7 + 1;
    }

    public static int sizeOfVarlong(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        return (63 - Long.numberOfLeadingZeros(zigzag | 1)) / 7 + 1;
    }

    public static int readVarint(ByteBuffer buffer) {
        int raw = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            byte b = buffer.get();
            raw |= (b & 0x7F) << shift;
            if (b >= 0) return unzigzag(raw);
        }
        byte last = buffer.get();
        if ((last & 0xF0) != 0) throw overflow("varint", 32, MAX_VARINT_SIZE);
        return unzigzag(raw | last << 28);
    }

    public static long readVarlong(ByteBuffer buffer) {
        long raw = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            byte b = buffer.get();
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) return unzigzag(raw);
        }
        byte last = buffer.get();
        if ((last & 0xFE) != 0) throw overflow("varlong", 64, MAX_VARLONG_SIZE);
        return unzigzag(raw | (long) last << 63);
    }

    public static int readVarint(DataInput in) throws IOException {
        int raw = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            byte b = in.readByte();
            raw |= (b & 0x7F) << shift;
            if (b >= 0) return unzigzag(raw);
        }
        byte last = in.readByte();
        if ((last & 0xF0) != 0) throw overflow("varint", 32, MAX_VARINT_SIZE);
        return unzigzag(raw | last << 28);
    }

    public static long readVarlong(DataInput in) throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            byte b = in.readByte();
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) return unzigzag(raw);
        }
        byte last = in.readByte();
        if ((last & 0xFE) != 0) throw overflow("varlong", 64, MAX_VARLONG_SIZE);
        return unzigzag(raw | (long) last << 63);
    }

    public static void writeVarint(int value, ByteBuffer buffer) {
        int raw = (value << 1) ^ (value >> 31);
        while ((raw & ~0x7F) != 0) {
            buffer.put((byte) (raw & 0x7F | 0x80));
            raw >>>= 7;
        }
        buffer.put((byte) raw);
    }

    public static void writeVarlong(long value, ByteBuffer buffer) {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7FL) != 0) {
            buffer.put((byte) (raw & 0x7F | 0x80));
            raw >>>= 7;
        }
        buffer.put((byte) raw);
    }

    /** Writes at {@code offset} and returns the offset just past the varint; the caller ensured room. */
    public static int writeVarint(int value, byte[] dest, int offset) {
        int raw = (value << 1) ^ (value >> 31);
        while ((raw & ~0x7F) != 0) {
            dest[offset++] = (byte) (raw & 0x7F | 0x80);
            raw >>>= 7;
        }
        dest[offset++] = (byte) raw;
        return offset;
    }

    /** Writes at {@code offset} and returns the offset just past the varlong; the caller ensured room. */
    public static int writeVarlong(long value, byte[] dest, int offset) {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7FL) != 0) {
            dest[offset++] = (byte) (raw & 0x7F | 0x80);
            raw >>>= 7;
        }
        dest[offset++] = (byte) raw;
        return offset;
    }

    public static void writeVarint(int value, DataOutput out) throws IOException {
        int raw = (value << 1) ^ (value >> 31);
        while ((raw & ~0x7F) != 0) {
            out.writeByte(raw & 0x7F | 0x80);
            raw >>>= 7;
        }
        out.writeByte(raw);
    }

    public static void writeVarlong(long value, DataOutput out) throws IOException {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7FL) != 0) {
            out.writeByte((int) (raw & 0x7F | 0x80));
            raw >>>= 7;
        }
        out.writeByte((int) raw);
    }

    private static int unzigzag(int raw) { return (raw >>> 1) ^ -(raw & 1); }

    private static long unzigzag(long raw) { return (raw >>> 1) ^ -(raw & 1); }

    private static IllegalArgumentException overflow(String kind, int bits, int maxBytes) {
        return new IllegalArgumentException("Malformed " + kind + ": more than " + bits + " bits (" + maxBytes
            + " bytes at most)");
    }
}
