package io.wharf.amqp.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the protocol header, then frames. A client that opens with anything but {@code AMQP 0 0 9 1} is
 * answered with that header and disconnected (spec 4.2.2). A frame is checked against the negotiated
 * frame-max from its 7-byte header, before its body is buffered, and its end octet is checked; either
 * failure is a {@link FrameError} (501 FRAME_ERROR), after which the decoder discards all input.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private enum State { PROTOCOL_HEADER, FRAMES, BAD }

    private State state = State.PROTOCOL_HEADER;
    private volatile int frameMax;

    /** @param initialFrameMax the largest frame accepted before Tune-Ok sets the negotiated one */
    public FrameDecoder(int initialFrameMax) {
        this.frameMax = initialFrameMax;
    }

    /** The negotiated frame-max (0: no limit but the decoder's own 2^31). */
    public void frameMax(int frameMax) { this.frameMax = frameMax; }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case PROTOCOL_HEADER -> readProtocolHeader(ctx, in, out);
            case FRAMES -> readFrames(in, out);
            case BAD -> in.skipBytes(in.readableBytes());
        }
    }

    private void readProtocolHeader(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PROTOCOL_HEADER.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PROTOCOL_HEADER[i]) {
                refuse(ctx, in);
                return;
            }
        }
        if (n < PROTOCOL_HEADER.length) return;
        in.skipBytes(PROTOCOL_HEADER.length);
        state = State.FRAMES;
        out.add(ProtocolHeader.INSTANCE);
        readFrames(in, out);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
        state = State.BAD;
        LOG.info("Closing connection from {}: it did not open with the AMQP 0-9-1 protocol header",
            ctx.channel().remoteAddress());
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PROTOCOL_HEADER)).addListener(ChannelFutureListener.CLOSE);
    }

    private void readFrames(ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 7) {
            int start = in.readerIndex();
            int type = in.getUnsignedByte(start);
            int channel = in.getUnsignedShort(start + 1);
            long size = in.getUnsignedInt(start + 3);
            int max = frameMax;
            if (max > 0 && size + Frame.OVERHEAD > max) {
                fail(in, out, "frame size " + (size + Frame.OVERHEAD) + " is larger than the negotiated frame-max "
                    + max + " (raise frame_max in the client, or send smaller frames)");
                return;
            }
            if (size > Integer.MAX_VALUE - Frame.OVERHEAD) {
                fail(in, out, "frame size " + size + " is too large");
                return;
            }
            if (in.readableBytes() < size + Frame.OVERHEAD) return;
            int end = in.getUnsignedByte(start + 7 + (int) size);
            if (end != Frame.FRAME_END) {
                fail(in, out, "frame end octet is 0x" + Integer.toHexString(end) + ", expected 0xce");
                return;
            }
            in.skipBytes(7);
            ByteBuf payload = in.readRetainedSlice((int) size);
            in.skipBytes(1);
            out.add(new Frame(type, channel, payload));
        }
    }

    private void fail(ByteBuf in, List<Object> out, String message) {
        state = State.BAD;
        in.skipBytes(in.readableBytes());
        out.add(new FrameError(message));
    }
}
