package io.wharf.amqp;

import io.netty.channel.socket.SocketChannel;
import io.wharf.amqp.basic.DirectReplyTo;
import io.wharf.amqp.connection.AmqpConnection;
import io.wharf.amqp.frame.FrameDecoder;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.broker.alarm.ResourceAlarms;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.LiveConnections;
import io.wharf.broker.vhost.VirtualHosts;

/**
 * The AMQP 0-9-1 front-end: a pipeline of the frame decoder and one {@link AmqpConnection} per socket, on
 * the broker's virtual hosts and access control.
 */
public final class AmqpFrontEnd implements ProtocolFrontEnd {
    private final VirtualHosts vhosts;
    private final AccessControl access;
    private final ResourceAlarms alarms;
    private final AmqpSettings settings;
    private final DirectReplyTo replies = new DirectReplyTo();
    private final LiveConnections live;

    public AmqpFrontEnd(VirtualHosts vhosts, AccessControl access, ResourceAlarms alarms, AmqpSettings settings) {
        this.vhosts = vhosts;
        this.access = access;
        this.alarms = alarms;
        this.live = new LiveConnections(access);
        access.addListener(live);
        this.settings = settings;
    }

    @Override
    public String protocol() { return "AMQP"; }

    @Override
    public void initChannel(SocketChannel channel) {
        FrameDecoder decoder = new FrameDecoder(settings.frameMax());
        channel.pipeline().addLast("amqp-frames", decoder);
        channel.pipeline().addLast("amqp", new AmqpConnection(vhosts, access, alarms, replies, live, settings, decoder));
    }
}
