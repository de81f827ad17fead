package io.wharf.amqp.frame;

import com.rabbitmq.client.impl.Method;
import com.rabbitmq.client.impl.MethodArgumentWriter;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames into a buffer: methods (arguments encoded by the spec-generated classes of the reference
 * client), content (a header frame with the properties as stored, then body frames cut at frame-max),
 * heartbeats, and a hand-written Basic.Deliver, the one method sent once per message.
 */
public final class FrameWriter {
    private static final int BASIC_CLASS = 60;
    private static final int DELIVER = 60;
    private static final byte[] NO_PROPERTIES = {0, 0};

    private FrameWriter() {
    }

    public static void method(ByteBuf out, int channel, Method method) {
        int sizeAt = begin(out, Frame.METHOD, channel);
        out.writeShort(method.protocolClassId());
        out.writeShort(method.protocolMethodId());
        try {
            MethodArgumentWriter writer = new MethodArgumentWriter(new ValueWriter(new DataOutputStream(new ByteBufOutputStream(out))));
            method.writeArgumentsTo(writer);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + method.protocolMethodName(), e);
        }
        end(out, sizeAt);
    }

    /** Basic.Deliver (spec 1.8.3.9): consumer tag, delivery tag, redelivered, exchange, routing key. */
    public static void deliver(ByteBuf out, int channel, byte[] consumerTag, long deliveryTag, boolean redelivered,
                               String exchange, String routingKey) {
        int sizeAt = begin(out, Frame.METHOD, channel);
        out.writeShort(BASIC_CLASS);
        out.writeShort(DELIVER);
        out.writeByte(consumerTag.length);
        out.writeBytes(consumerTag);
        out.writeLong(deliveryTag);
        out.writeByte(redelivered ? 1 : 0);
        shortString(out, exchange);
        shortString(out, routingKey);
        end(out, sizeAt);
    }

    /** A content header and the body frames (spec 4.2.6), the body split to fit {@code frameMax}. */
    public static void content(ByteBuf out, int channel, byte[] properties, byte[] body, int frameMax) {
        int sizeAt = begin(out, Frame.HEADER, channel);
        out.writeShort(BASIC_CLASS);
        out.writeShort(0); // weight
        out.writeLong(body.length);
        out.writeBytes(properties.length == 0 ? NO_PROPERTIES : properties);
        end(out, sizeAt);
        int chunk = frameMax > 0 ? frameMax - Frame.OVERHEAD : body.length;
        for (int pos = 0; pos < body.length; pos += chunk) {
            int n = Math.min(chunk, body.length - pos);
            out.writeByte(Frame.BODY);
            out.writeShort(channel);
            out.writeInt(n);
            out.writeBytes(body, pos, n);
            out.writeByte(Frame.FRAME_END);
        }
    }

    public static void heartbeat(ByteBuf out) {
        out.writeByte(Frame.HEARTBEAT);
        out.writeShort(0);
        out.writeInt(0);
        out.writeByte(Frame.FRAME_END);
    }

    private static void shortString(ByteBuf out, String s) {
        int lengthAt = out.writerIndex();
        out.writeByte(0);
        int n = out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.setByte(lengthAt, n);
    }

    private static int begin(ByteBuf out, int type, int channel) {
        out.writeByte(type);
        out.writeShort(channel);
        int sizeAt = out.writerIndex();
        out.writeInt(0);
        return sizeAt;
    }

    private static void end(ByteBuf out, int sizeAt) {
        out.setInt(sizeAt, out.writerIndex() - sizeAt - 4);
        out.writeByte(Frame.FRAME_END);
    }
}
