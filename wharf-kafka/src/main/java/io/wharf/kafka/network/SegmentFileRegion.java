package io.wharf.kafka.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A range of a segment file written to a socket with {@code FileChannel.transferTo} (sendfile). Unlike
 * Netty's {@code DefaultFileRegion} it never closes the channel: the channel belongs to the log segment,
 * which outlives any one response (and stays open for {@code file.delete.delay.ms} after deletion).
 */
final class SegmentFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel channel;
    private final long position;
    private final long count;
    private long transferred;

    SegmentFileRegion(FileChannel channel, long position, long count) {
        this.channel = channel;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() { return position; }

    @Override
    @Deprecated
    public long transfered() { return transferred; }

    @Override
    public long transferred() { return transferred; }

    @Override
    public long count() { return count; }

    @Override
    public long transferTo(WritableByteChannel target, long offset) throws IOException {
        long remaining = count - offset;
        if (remaining <= 0) return 0;
        long written = channel.transferTo(position + offset, remaining, target);
        if (written > 0) transferred += written;
        else if (written == 0 && channel.size() < position + count) {
            // The segment was truncated under us (a follower truncating): fail the response rather than spin.
            throw new IOException("Segment file is shorter than the fetched range " + position + "+" + count);
        }
        return written;
    }

    @Override
    public FileRegion retain() { super.retain(); return this; }

    @Override
    public FileRegion retain(int increment) { super.retain(increment); return this; }

    @Override
    public FileRegion touch() { return this; }

    @Override
    public FileRegion touch(Object hint) { return this; }

    @Override
    protected void deallocate() {
        // The segment owns the channel.
    }
}
