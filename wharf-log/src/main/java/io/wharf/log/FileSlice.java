package io.wharf.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A byte range of a segment's {@code .log} file holding whole batches (the last one may be cut short by a
 * size limit, as Kafka's fetch allows). The network layer sends it with {@link #transferTo} —
 * {@code FileChannel.transferTo}, i.e. sendfile, no copy through the heap — or wraps
 * {@link #channel()}, {@link #position()} and {@link #size()} in a Netty {@code DefaultFileRegion}.
 *
 * <p>The channel stays open for at least {@code file.delete.delay.ms} after its segment is deleted, so a
 * slice handed to the network survives retention running meanwhile.
 */
public record FileSlice(FileChannel channel, long position, int size) {
    public static final FileSlice EMPTY = new FileSlice(null, 0, 0);

    public boolean isEmpty() { return size == 0; }

    /** Sends the whole slice to {@code target}; returns the bytes sent. */
    public long transferTo(WritableByteChannel target) throws IOException {
        long sent = 0;
        while (sent < size) {
            long n = channel.transferTo(position + sent, size - sent, target);
            if (n <= 0) break;
            sent += n;
        }
        return sent;
    }

    /** Copies the slice into a new heap buffer (tests, and protocols that must look inside messages). */
    public ByteBuffer readFully() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        readInto(buffer);
        return buffer.flip();
    }

    /** Reads up to {@code buffer.remaining()} bytes of the slice into {@code buffer}. */
    public void readInto(ByteBuffer buffer) throws IOException {
        if (size == 0) return;
        int limit = Math.min(buffer.remaining(), size);
        ByteBuffer window = buffer.duplicate();
        window.limit(window.position() + limit);
        long pos = position;
        while (window.hasRemaining()) {
            int n = channel.read(window, pos);
            if (n < 0) break;
            pos += n;
        }
        buffer.position(window.position());
    }
}
