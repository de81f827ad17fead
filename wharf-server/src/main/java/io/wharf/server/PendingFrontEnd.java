package io.wharf.server;

import io.netty.channel.socket.SocketChannel;
import io.wharf.broker.net.ProtocolFrontEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for a protocol whose front-end is not in this build yet: the listener is bound (so ports,
 * port conflicts and start-up behave as they will), and each connection is closed with a log line
 * saying why, instead of hanging.
 */
final class PendingFrontEnd implements ProtocolFrontEnd {
    private static final Logger LOG = LoggerFactory.getLogger(PendingFrontEnd.class);
    private final String protocol;

    PendingFrontEnd(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public String protocol() { return protocol; }

    @Override
    public void initChannel(SocketChannel channel) {
        LOG.warn("Closing connection from {}: the {} protocol is not implemented in this build yet",
            channel.remoteAddress(), protocol);
        channel.close();
    }
}
