package io.wharf.amqp.connection;

import com.rabbitmq.client.UnknownClassOrMethodId;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.AmqpSettings;
import io.wharf.amqp.basic.DirectReplyTo;
import io.wharf.amqp.channel.AmqpChannel;
import io.wharf.amqp.frame.Frame;
import io.wharf.amqp.frame.FrameDecoder;
import io.wharf.amqp.frame.FrameError;
import io.wharf.amqp.frame.FrameWriter;
import io.wharf.amqp.frame.MethodReader;
import io.wharf.amqp.frame.ProtocolHeader;
import io.wharf.broker.alarm.ResourceAlarms;
import io.wharf.broker.net.PublisherBlock;
import io.wharf.broker.queue.QueueOwners;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.LiveConnections;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.broker.vhost.VirtualHosts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP 0-9-1 connection: the handshake (Start/StartOk with PLAIN or AMQPLAIN, Tune/TuneOk, Open),
 * heartbeats both ways, the channels, and closing — by either side, or on a connection error (spec 1.4.2).
 * Everything runs on the connection's event loop; deliveries and confirms from other threads are handed to
 * it by the channels.
 *
 * <p>After the broker sends Connection.Close it ignores every frame but Close and Close-Ok, and drops the
 * socket when Close-Ok comes or a second later.
 */
public final class AmqpConnection extends ChannelInboundHandlerAdapter implements ConnectionOutput,
    LiveConnections.LiveConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
    private static final int MIN_FRAME_MAX = 4096;

    private enum State { AWAIT_HEADER, AWAIT_START_OK, AWAIT_TUNE_OK, AWAIT_OPEN, OPEN, CLOSING, CLOSED }

    private final VirtualHosts vhosts;
    private final AccessControl access;
    private final AmqpSettings settings;
    private final FrameDecoder decoder;
    private final long id = QueueOwners.next();
    private final IntObjectHashMap<AmqpChannel> channels = new IntObjectHashMap<>();
    private final Handshake handshake;
    private final PublisherBlock publisherBlock;
    private final DirectReplyTo replies;
    private final LiveConnections live;
    private Map<String, Object> clientProperties;
    private ChannelHandlerContext ctx;
    private State state = State.AWAIT_HEADER;
    private volatile User user;
    private volatile VirtualHost vhost;
    private Permission permission;
    private int frameMax;
    private int channelMax;
    private ScheduledFuture<?> handshakeTimer;

    public AmqpConnection(VirtualHosts vhosts, AccessControl access, ResourceAlarms alarms, DirectReplyTo replies,
                          LiveConnections live, AmqpSettings settings, FrameDecoder decoder) {
        this.replies = replies;
        this.live = live;
        this.vhosts = vhosts;
        this.access = access;
        this.settings = settings;
        this.decoder = decoder;
        this.frameMax = settings.frameMax();
        this.channelMax = settings.channelMax();
        this.handshake = new Handshake(access, settings);
        this.publisherBlock = new PublisherBlock(alarms);
    }

    // ---- ConnectionOutput: what channels use ----

    @Override public long id() { return id; }
    @Override public VirtualHost vhost() { return vhost; }
    @Override public User user() { return user; }
    @Override public Permission permission() { return permission; }

    // ---- LiveConnections.LiveConnection: access changes, on the notifier thread ----

    @Override public String vhostName() { VirtualHost v = vhost; return v == null ? null : v.name(); }
    @Override public String userName() { User u = user; return u == null ? null : u.name(); }

    /** Its vhost or user was deleted, or its permissions cleared: 320 CONNECTION_FORCED. */
    @Override
    public void accessRevoked(String why) {
        ctx.executor().execute(() -> connectionError(new AmqpException(AmqpException.CONNECTION_FORCED, why, 0, 0)));
    }

    /** The user's permissions in the vhost changed: the next methods are checked against the new ones. */
    @Override
    public void permissionChanged(Permission now) {
        ctx.executor().execute(() -> {
            if (state == State.OPEN) permission = now;
        });
    }

    @Override public int frameMax() { return frameMax; }
    @Override public io.netty.channel.EventLoop eventLoop() { return ctx.channel().eventLoop(); }
    @Override public ByteBuf buffer() { return ctx.alloc().buffer(); }
    @Override public void write(ByteBuf frames) { ctx.write(frames, ctx.voidPromise()); }
    @Override public void flush() { ctx.flush(); }
    @Override public boolean isWritable() { return ctx.channel().isWritable(); }

    @Override
    public void send(int channel, Method method) {
        ByteBuf out = ctx.alloc().buffer();
        FrameWriter.method(out, channel, method);
        ctx.write(out, ctx.voidPromise());
    }

    @Override
    public void publishing() { publisherBlock.publishing(); }

    @Override
    public DirectReplyTo replies() { return replies; }

    @Override
    public void flushPublishes() {
        for (AmqpChannel c : channels.values()) c.flushPublishes();
    }

    @Override
    public void channelClosed(int channel) {
        channels.remove(channel);
    }

    // ---- Netty ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state.ordinal() < State.OPEN.ordinal()) {
                LOG.info("Closing AMQP connection from {}: handshake not done within {} ms", remote(),
                    settings.handshakeTimeoutMs());
                ctx.close();
            }
        }, settings.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProtocolHeader) {
            state = State.AWAIT_START_OK;
            send(0, handshake.start());
            return;
        }
        if (msg instanceof FrameError e) {
            connectionError(new AmqpException(AmqpException.FRAME_ERROR, e.message(), 0, 0));
            return;
        }
        Frame frame = (Frame) msg;
        try {
            onFrame(frame);
        } catch (AmqpException e) {
            if (e.isConnectionError() || frame.channel() == 0) connectionError(e);
            else channelError(frame.channel(), e);
        } catch (RuntimeException e) {
            LOG.error("Internal error on AMQP connection from {} (channel {})", remote(), frame.channel(), e);
            connectionError(new AmqpException(AmqpException.INTERNAL_ERROR, "internal error: " + e, 0, 0));
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            for (AmqpChannel c : channels.values()) c.readComplete();
        } catch (RuntimeException e) {
            LOG.error("Internal error on AMQP connection from {} storing publishes", remote(), e);
            connectionError(new AmqpException(AmqpException.INTERNAL_ERROR, "internal error: " + e, 0, 0));
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (AmqpChannel c : channels.values()) c.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE && publisherBlock.blocked()) {
                return; // not reading: its heartbeats wait in the socket
            } else if (idle.state() == IdleState.READER_IDLE) {
                LOG.info("Closing AMQP connection from {}: missed heartbeats from the client", remote());
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ByteBuf hb = ctx.alloc().buffer(8);
                FrameWriter.heartbeat(hb);
                ctx.writeAndFlush(hb, ctx.voidPromise());
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        cleanUp();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("AMQP connection from {} failed: {}", remote(), cause.toString());
        } else {
            LOG.warn("AMQP connection from {} failed", remote(), cause);
        }
        ctx.close();
    }

    // ---- frames ----

    private void onFrame(Frame frame) {
        if (frame.type() == Frame.HEARTBEAT) {
            if (frame.channel() != 0) {
                throw new AmqpException(AmqpException.COMMAND_INVALID, "heartbeat on channel " + frame.channel(), 0, 0);
            }
            return;
        }
        if (state == State.CLOSING) {
            onFrameWhileClosing(frame);
            return;
        }
        if (frame.channel() == 0) {
            if (frame.type() != Frame.METHOD) {
                throw new AmqpException(AmqpException.UNEXPECTED_FRAME, "content frame on channel 0", 0, 0);
            }
            onConnectionMethod(readMethod(frame));
            return;
        }
        if (state != State.OPEN) {
            throw new AmqpException(AmqpException.CHANNEL_ERROR, "channel " + frame.channel()
                + " used before the connection is open", 0, 0);
        }
        AmqpChannel channel = channels.get(frame.channel());
        if (channel == null) {
            openChannel(frame);
            return;
        }
        channel.onFrame(frame);
    }

    private void onFrameWhileClosing(Frame frame) {
        if (frame.channel() != 0 || frame.type() != Frame.METHOD) return;
        Method m = readMethod(frame);
        if (m instanceof AMQImpl.Connection.CloseOk) {
            ctx.close();
        } else if (m instanceof AMQImpl.Connection.Close) {
            send(0, new AMQImpl.Connection.CloseOk());
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void openChannel(Frame frame) {
        int number = frame.channel();
        if (frame.type() != Frame.METHOD) {
            throw new AmqpException(AmqpException.CHANNEL_ERROR, "expected 'channel.open' on channel " + number, 0, 0);
        }
        Method m = readMethod(frame);
        if (!(m instanceof AMQImpl.Channel.Open)) {
            throw AmqpException.of(AmqpException.CHANNEL_ERROR, "expected 'channel.open' on channel " + number
                + ", got '" + m.protocolMethodName() + "'", m);
        }
        if (number > channelMax) {
            throw AmqpException.of(AmqpException.CHANNEL_ERROR, "channel " + number + " is above the negotiated channel-max "
                + channelMax, m);
        }
        channels.put(number, new AmqpChannel(number, this, settings));
        send(number, new AMQImpl.Channel.OpenOk(com.rabbitmq.client.impl.LongStringHelper.asLongString("")));
    }

    /** Decodes a method frame; a malformed or unknown method is a connection error. */
    public static Method readMethod(Frame frame) {
        try {
            return MethodReader.read(frame.payload());
        } catch (UnknownClassOrMethodId e) {
            throw new AmqpException(AmqpException.NOT_IMPLEMENTED, "unknown method: class " + e.classId + ", method "
                + e.methodId, e.classId, e.methodId);
        } catch (IOException | RuntimeException e) {
            throw new AmqpException(AmqpException.FRAME_ERROR, "malformed method frame on channel " + frame.channel()
                + ": " + e, 0, 0);
        }
    }

    private void onConnectionMethod(Method m) {
        switch (state) {
            case AWAIT_START_OK -> {
                AMQImpl.Connection.StartOk startOk = expect(m, AMQImpl.Connection.StartOk.class);
                clientProperties = startOk.getClientProperties();
                user = handshake.authenticate(startOk, remoteAddress(), (InetSocketAddress) ctx.channel().localAddress());
                state = State.AWAIT_TUNE_OK;
                send(0, handshake.tune());
            }
            case AWAIT_TUNE_OK -> onTuneOk(expect(m, AMQImpl.Connection.TuneOk.class));
            case AWAIT_OPEN -> onOpen(expect(m, AMQImpl.Connection.Open.class));
            case OPEN -> onOpenConnectionMethod(m);
            default -> { }
        }
    }

    private void onTuneOk(AMQImpl.Connection.TuneOk tuneOk) {
        int offeredFrameMax = settings.frameMax();
        int fm = tuneOk.getFrameMax();
        if (fm != 0 && fm < MIN_FRAME_MAX) {
            throw AmqpException.of(AmqpException.NOT_ALLOWED, "frame_max=" + fm + " < " + MIN_FRAME_MAX + " min_size", tuneOk);
        }
        if (offeredFrameMax != 0 && (fm == 0 || fm > offeredFrameMax)) {
            throw AmqpException.of(AmqpException.NOT_ALLOWED, "frame_max=" + fm + " > " + offeredFrameMax + " max_size", tuneOk);
        }
        frameMax = fm;
        decoder.frameMax(fm);
        int cm = tuneOk.getChannelMax();
        channelMax = cm == 0 ? settings.channelMax() : Math.min(cm, settings.channelMax());
        int heartbeat = tuneOk.getHeartbeat();
        if (heartbeat > 0) {
            ctx.pipeline().addBefore("amqp-frames", "amqp-heartbeat",
                new IdleStateHandler(heartbeat * 2L, heartbeat, 0, TimeUnit.SECONDS));
        }
        state = State.AWAIT_OPEN;
    }

    private void onOpen(AMQImpl.Connection.Open open) {
        String name = open.getVirtualHost();
        if (!access.vhostExists(name)) {
            throw AmqpException.of(AmqpException.NOT_ALLOWED, "vhost " + name + " not found", open);
        }
        // Created by the CLI since start-up, perhaps: the access store is the word on which vhosts exist.
        VirtualHost v = vhosts.added(name);
        permission = access.permission(name, user.name()).orElseThrow(() -> AmqpException.of(AmqpException.NOT_ALLOWED,
            "access to vhost '" + name + "' refused for user '" + user.name() + "'", open));
        vhost = v;
        state = State.OPEN;
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        handshakeTimer = null; // a cancelled task is still 64 bytes per idle connection
        send(0, new AMQImpl.Connection.OpenOk(""));
        publisherBlock.start(ctx.channel(), blockedNotice(clientProperties));
        live.opened(this);
    }

    private void onOpenConnectionMethod(Method m) {
        if (m instanceof AMQImpl.Connection.Close) {
            send(0, new AMQImpl.Connection.CloseOk());
            state = State.CLOSED;
            cleanUp();
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        } else if (m instanceof AMQImpl.Connection.UpdateSecret) {
            send(0, new AMQImpl.Connection.UpdateSecretOk());
        } else if (!(m instanceof AMQImpl.Connection.Blocked || m instanceof AMQImpl.Connection.Unblocked)) {
            throw AmqpException.of(AmqpException.COMMAND_INVALID, "unexpected '" + m.protocolMethodName()
                + "' on an open connection", m);
        }
    }

    private <T extends Method> T expect(Method m, Class<T> type) {
        if (!type.isInstance(m)) {
            throw AmqpException.of(AmqpException.COMMAND_INVALID, "expected '" + type.getSimpleName().toLowerCase()
                + "', got '" + m.protocolMethodName() + "'", m);
        }
        return type.cast(m);
    }

    // ---- errors and closing ----

    /** Closes one channel with {@code e}'s code (spec 1.5.2.5); the connection goes on. */
    private void channelError(int number, AmqpException e) {
        AmqpChannel channel = channels.get(number);
        LOG.debug("Channel error on AMQP connection from {}, channel {}: {}", remote(), number, e.replyText());
        if (channel == null) return;
        channel.closeWithError(e);
    }

    /** Sends Connection.Close with {@code e}'s code and closes the socket once answered (or a second later). */
    public void connectionError(AmqpException e) {
        if (state == State.CLOSING || state == State.CLOSED) return;
        LOG.info("Closing AMQP connection from {}: {} {}", remote(), e.code(), e.replyText());
        boolean greeted = state != State.AWAIT_HEADER;
        state = State.CLOSING;
        cleanUp();
        if (!greeted) {
            ctx.close();
            return;
        }
        send(0, new AMQImpl.Connection.Close(e.code(), e.replyText(), e.classId(), e.methodId()));
        ctx.flush();
        ctx.executor().schedule(() -> {
            ctx.close();
        }, 1, TimeUnit.SECONDS);
    }

    private void cleanUp() {
        // Each channel on its own: one failing must not leave the others' deliveries and the connection's
        // exclusive queues behind.
        for (AmqpChannel c : List.copyOf(channels.values())) {
            try {
                c.release();
            } catch (RuntimeException e) {
                LOG.error("Releasing channel {} of the AMQP connection from {} failed", c.number(), remote(), e);
            }
        }
        channels.clear();
        publisherBlock.stop();
        live.closed(this);
        if (vhost != null) vhost.connectionClosed(id);
    }

    /**
     * Connection.Blocked and Unblocked, for a client that announced the {@code connection.blocked} capability;
     * others are only not read from.
     */
    private PublisherBlock.Notice blockedNotice(Map<String, Object> clientProperties) {
        boolean announced = clientProperties != null && clientProperties.get("capabilities") instanceof Map<?, ?> caps
            && Boolean.TRUE.equals(caps.get("connection.blocked"));
        if (!announced) return PublisherBlock.SILENT;
        return new PublisherBlock.Notice() {
            @Override
            public void blocked(String reason) {
                send(0, new AMQImpl.Connection.Blocked(reason));
                flush();
            }

            @Override
            public void unblocked() {
                send(0, new AMQImpl.Connection.Unblocked());
                flush();
            }
        };
    }

    private String remote() {
        return ctx == null ? "?" : String.valueOf(ctx.channel().remoteAddress());
    }

    /** The peer's address, for the loopback-only users check. */
    InetSocketAddress remoteAddress() { return (InetSocketAddress) ctx.channel().remoteAddress(); }
}
