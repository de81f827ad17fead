package io.wharf.amqp.frame;

import io.netty.buffer.ByteBuf;

/**
 * One AMQP 0-9-1 frame as read off the wire (spec 4.2.3): type, channel and payload; the frame-end octet
 * was checked by the decoder. The payload is a retained slice: whoever takes the frame releases it.
 */
public record Frame(int type, int channel, ByteBuf payload) {
    public static final int METHOD = 1;
    public static final int HEADER = 2;
    public static final int BODY = 3;
    public static final int HEARTBEAT = 8;
    /** Type, channel, size before the payload; the frame-end octet after it. */
    public static final int OVERHEAD = 8;
    public static final int FRAME_END = 0xCE;

    public void release() { payload.release(); }
}
