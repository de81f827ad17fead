package io.wharf.amqp.connection;

import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.broker.vhost.VirtualHost;

/**
 * What a channel sees of its connection: who is connected to which virtual host, and the way out. Every
 * method must be called on the connection's event loop; writes are flushed when the current read or task
 * ends (or by {@link #flush}).
 */
public interface ConnectionOutput {
    long id();

    VirtualHost vhost();

    User user();

    /** The user's permissions in the virtual host. */
    Permission permission();

    /** Negotiated frame-max (0: no limit). */
    int frameMax();

    EventLoop eventLoop();

    ByteBuf buffer();

    void send(int channel, Method method);

    /** Writes frames already encoded in {@code frames} (released by the write). */
    void write(ByteBuf frames);

    void flush();

    /** Whether the socket's outbound buffer has room (TCP back-pressure). */
    boolean isWritable();

    /** The front-end's direct reply-to consumers. */
    io.wharf.amqp.basic.DirectReplyTo replies();

    /** A Basic.Publish is being handled: under a resource alarm the connection is blocked after it. */
    void publishing();

    /** Stores every channel's publishes gathered in the current read (see {@code Publisher#flushBatch}). */
    void flushPublishes();

    /** The channel closed (Close-Ok exchanged): the number may be opened again. */
    void channelClosed(int channel);
}
