package io.wharf.kafka.network;

import io.wharf.log.FileSlice;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.UnalignedFileRecords;

/**
 * A byte range of a log segment placed in a Fetch response. It is kafka-clients' own
 * {@link UnalignedFileRecords} (so every kafka-clients code path accepts it), and it keeps the channel,
 * position and size in view so that {@link ResponseWriter} can send it as a Netty {@code FileRegion}:
 * sendfile, no copy through the JVM heap.
 */
public final class LogSliceRecords extends UnalignedFileRecords {
    private final FileChannel channel;
    private final long position;
    private final int size;

    public LogSliceRecords(FileSlice slice) {
        super(slice.channel(), slice.position(), slice.size());
        this.channel = slice.channel();
        this.position = slice.position();
        this.size = slice.size();
    }

    public FileChannel channel() { return channel; }
    public long position() { return position; }
    public int size() { return size; }
}
