package io.wharf.broker.topic;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The strings of Kafka's internal-topic records ({@code __consumer_offsets}, {@code __transaction_state}) in
 * their classic, non-flexible versions: a big-endian int16 length, -1 for null, then the UTF-8 bytes.
 */
public final class RecordStrings {
    private RecordStrings() {
    }

    /** The UTF-8 bytes of {@code s}; {@link IllegalArgumentException} if they do not fit an int16 length. */
    public static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + bytes.length + " bytes is longer than " + Short.MAX_VALUE);
        }
        return bytes;
    }

    /** Writes bytes from {@link #utf8} with their length. */
    public static void put(ByteBuffer b, byte[] utf8) {
        b.putShort((short) utf8.length);
        b.put(utf8);
    }

    /** Reads a string; null for length -1; {@link BufferUnderflowException} if the bytes are not all there. */
    public static String getNullable(ByteBuffer b) {
        short length = b.getShort();
        return length < 0 ? null : read(b, length);
    }

    /** Reads {@code length} UTF-8 bytes; {@link BufferUnderflowException} if they are not all there. */
    public static String read(ByteBuffer b, int length) {
        if (length > b.remaining()) throw new BufferUnderflowException();
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
