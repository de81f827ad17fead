package io.wharf.amqp.frame;

import com.rabbitmq.client.UnknownClassOrMethodId;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a method frame's payload with the spec-generated classes of the reference client — but for
 * Basic.Publish and Basic.Ack, the methods of every message, which are read straight from the buffer:
 * the generic path costs a stream, a reader and their buffers per method.
 */
public final class MethodReader {
    private static final int BASIC = 60;
    private static final int PUBLISH = 40;
    private static final int ACK = 80;

    private MethodReader() {
    }

    /**
     * The method in {@code payload}.
     *
     * @throws UnknownClassOrMethodId for a class or method id the specification does not have
     * @throws IOException            for a payload that ends early or holds a malformed field
     */
    public static Method read(ByteBuf payload) throws IOException {
        if (payload.readableBytes() >= 4 && payload.getUnsignedShort(payload.readerIndex()) == BASIC) {
            int method = payload.getUnsignedShort(payload.readerIndex() + 2);
            if (method == PUBLISH) return publish(payload);
            if (method == ACK) return ack(payload);
        }
        return AMQImpl.readMethodFrom(new DataInputStream(new ByteBufInputStream(payload)));
    }

    /** Basic.Publish: reserved short, exchange and routing key shortstrs, then mandatory and immediate bits. */
    private static Method publish(ByteBuf in) throws IOException {
        need(in, 4 + 2 + 1);
        in.skipBytes(4);
        int ticket = in.readUnsignedShort();
        String exchange = shortString(in);
        String routingKey = shortString(in);
        need(in, 1);
        int bits = in.readUnsignedByte();
        return new AMQImpl.Basic.Publish(ticket, exchange, routingKey, (bits & 1) != 0, (bits & 2) != 0);
    }

    /** Basic.Ack: delivery tag (longlong), then the multiple bit. */
    private static Method ack(ByteBuf in) throws IOException {
        need(in, 4 + 8 + 1);
        in.skipBytes(4);
        long tag = in.readLong();
        int bits = in.readUnsignedByte();
        return new AMQImpl.Basic.Ack(tag, (bits & 1) != 0);
    }

    private static String shortString(ByteBuf in) throws IOException {
        need(in, 1);
        int length = in.readUnsignedByte();
        need(in, length);
        if (length == 0) return "";
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    private static void need(ByteBuf in, int bytes) throws EOFException {
        if (in.readableBytes() < bytes) throw new EOFException("method frame ends early");
    }
}
