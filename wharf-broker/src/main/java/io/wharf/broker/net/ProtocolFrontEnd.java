package io.wharf.broker.net;

import io.netty.channel.socket.SocketChannel;

/**
 * One wire protocol's entry point (Kafka, AMQP, MQTT, HTTP): it installs its Netty handlers on each
 * accepted connection of the listeners bound to it. The server owns the sockets and event loops; a
 * front-end owns only what happens on its connections.
 */
public interface ProtocolFrontEnd extends AutoCloseable {
    /** The protocol's name in logs, e.g. "Kafka". */
    String protocol();

    /** Sets up a newly accepted connection. Called on the connection's event loop; must not block. */
    void initChannel(SocketChannel channel);

    /** Releases what the front-end holds (pending requests, timers). Connections are closed by the server. */
    @Override
    default void close() {
    }
}
