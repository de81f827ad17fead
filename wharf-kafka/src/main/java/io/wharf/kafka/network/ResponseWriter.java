package io.wharf.kafka.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Serialises a response frame — 4-byte size, response header, body — straight into Netty buffers, with
 * kafka-clients' generated {@code write} methods. Records that live in the log ({@link LogSliceRecords})
 * are not copied: the frame is cut around them and each slice goes out as a {@link SegmentFileRegion}.
 */
final class ResponseWriter implements Writable {
    private final ByteBufAllocator allocator;
    private final List<Object> parts = new ArrayList<>(4);
    private ByteBuf current;

    private ResponseWriter(ByteBufAllocator allocator, int initialCapacity) {
        this.allocator = allocator;
        this.current = allocator.buffer(initialCapacity);
    }

    /** The frame's parts in order (ByteBufs and FileRegions), ready to be written to the channel. */
    static List<Object> frame(ChannelHandlerContext ctx, ApiMessage header, short headerVersion, ApiMessage body,
                              short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ResponseWriter w = new ResponseWriter(ctx.alloc(), 4 + size.sizeExcludingZeroCopy());
        w.writeInt(size.totalSize());
        header.write(w, cache, headerVersion);
        body.write(w, cache, version);
        return w.finish();
    }

    private List<Object> finish() {
        if (current.isReadable()) parts.add(current);
        else current.release();
        current = null;
        return parts;
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof LogSliceRecords slice) {
            if (slice.size() == 0) return;
            parts.add(current);
            parts.add(new SegmentFileRegion(slice.channel(), slice.position(), slice.size()));
            current = allocator.buffer(256);
        } else if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    @Override public void writeByte(byte val) { current.writeByte(val); }
    @Override public void writeShort(short val) { current.writeShort(val); }
    @Override public void writeInt(int val) { current.writeInt(val); }
    @Override public void writeLong(long val) { current.writeLong(val); }
    @Override public void writeDouble(double val) { current.writeDouble(val); }
    @Override public void writeByteArray(byte[] arr) { current.writeBytes(arr); }
    @Override public void writeByteBuffer(ByteBuffer buf) { current.writeBytes(buf.duplicate()); }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xFFFFFF80) != 0) {
            current.writeByte((i & 0x7F) | 0x80);
            i >>>= 7;
        }
        current.writeByte(i);
    }

    @Override
    public void writeVarint(int i) { writeUnsignedVarint((i << 1) ^ (i >> 31)); }

    @Override
    public void writeVarlong(long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & 0xFFFFFFFFFFFFFF80L) != 0L) {
            current.writeByte(((int) z & 0x7F) | 0x80);
            z >>>= 7;
        }
        current.writeByte((int) z);
    }

    @Override
    public void writeUuid(Uuid uuid) {
        current.writeLong(uuid.getMostSignificantBits());
        current.writeLong(uuid.getLeastSignificantBits());
    }
}
