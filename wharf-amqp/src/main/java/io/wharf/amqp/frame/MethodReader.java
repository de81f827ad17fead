package io.wharf.amqp.frame;

import com.rabbitmq.client.UnknownClassOrMethodId;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/** Decodes a method frame's payload with the spec-generated classes of the reference client. */
public final class MethodReader {
    private MethodReader() {
    }

    /**
     * The method in {@code payload}.
     *
     * @throws UnknownClassOrMethodId for a class or method id the specification does not have
     * @throws IOException            for a payload that ends early or holds a malformed field
     */
    public static Method read(ByteBuf payload) throws IOException {
        return AMQImpl.readMethodFrom(new DataInputStream(new ByteBufInputStream(payload)));
    }
}
