package io.wharf.amqp.basic;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The body of one message being published, assembled from its body frames. Memory follows what has
 * arrived, not what the content header announced: a client that announces 16 MiB on every channel and
 * sends a frame on each must not make the broker hold 16 MiB per channel. A body that comes in one frame
 * (the common case) is allocated once, at its exact size.
 */
final class ContentBody {
    private final int size;
    private byte[] bytes;
    private int received;

    ContentBody(int size) {
        this.size = size;
        if (size == 0) bytes = new byte[0];
    }

    int size() { return size; }

    /** Bytes still to come. */
    int remaining() { return size - received; }

    /** Appends a body frame's payload; the caller checked it fits ({@link #remaining}). */
    void append(ByteBuf payload) {
        int n = payload.readableBytes();
        int needed = received + n;
        if (bytes == null) {
            bytes = new byte[n == size ? size : Math.min(size, Math.max(needed, 64 * 1024))];
        } else if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(size, Math.max(needed, 2L * bytes.length)));
        }
        payload.readBytes(bytes, received, n);
        received = needed;
    }

    boolean complete() { return received == size; }

    /** The whole body, once {@link #complete}. */
    byte[] bytes() { return bytes; }
}
