package io.wharf.mqtt.flow;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.wharf.broker.net.PublisherBlock;
import java.util.concurrent.TimeUnit;

/**
 * What an MQTT client hears of a resource alarm: nothing — MQTT has no "blocked" packet, so the broker only
 * stops reading from a publishing connection (RabbitMQ's behaviour) and the client feels TCP back-pressure.
 * The keep-alive is not held against it: while blocked its idle events are ignored (see
 * {@code MqttConnection}), and when reading resumes the keep-alive timer starts afresh, so a client whose
 * PINGREQ waited in the socket is not closed before that PINGREQ is read.
 *
 * <p>Called on the connection's event loop.
 */
public final class KeepAliveRestart implements PublisherBlock.Notice {
    /** The name of the keep-alive's handler in the pipeline. */
    public static final String HANDLER = "mqtt-keepalive";

    private final ChannelHandlerContext ctx;

    public KeepAliveRestart(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void blocked(String reason) {
    }

    @Override
    public void unblocked() {
        ChannelHandler h = ctx.pipeline().get(HANDLER);
        if (h instanceof IdleStateHandler idle) {
            ctx.pipeline().replace(idle, HANDLER,
                new IdleStateHandler(idle.getReaderIdleTimeInMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
    }
}
