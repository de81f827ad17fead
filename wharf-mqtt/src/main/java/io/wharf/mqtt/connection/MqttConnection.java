package io.wharf.mqtt.connection;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.wharf.broker.alarm.ResourceAlarms;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.net.BacklogFlow;
import io.wharf.broker.net.PublisherBlock;
import io.wharf.broker.queue.QueueOwners;
import io.wharf.broker.security.LiveConnections;
import io.wharf.broker.security.Permission;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.codec.PacketFramer;
import io.wharf.mqtt.codec.ProtocolViolation;
import io.wharf.mqtt.codec.RejectedPacket;
import io.wharf.mqtt.connect.ConnAcks;
import io.wharf.mqtt.connect.ConnectRefused;
import io.wharf.mqtt.connect.ConnectRequest;
import io.wharf.mqtt.connect.Login;
import io.wharf.mqtt.access.LivePermission;
import io.wharf.mqtt.limits.ClientLimits;
import io.wharf.mqtt.limits.InboundTopicAliases;
import io.wharf.mqtt.limits.OutboundPublishes;
import io.wharf.mqtt.limits.ServerLimits;
import io.wharf.mqtt.flow.KeepAliveRestart;
import io.wharf.mqtt.flow.KeepAliveSweep;
import io.wharf.mqtt.publish.InboundPublishes;
import io.wharf.mqtt.bridge.KafkaExport;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.Deliveries;
import io.wharf.mqtt.session.Session;
import io.wharf.mqtt.session.SessionExpiry;
import io.wharf.mqtt.session.SessionLifecycle;
import io.wharf.mqtt.session.SessionRegistry;
import io.wharf.mqtt.subscribe.SessionSubscriptions;
import io.wharf.mqtt.subscribe.SubscriptionTable;
import io.wharf.mqtt.sys.MqttStats;
import io.wharf.mqtt.will.Will;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT connection: CONNECT (version, client identifier, login, taking a session over), keep-alive, and
 * the dispatch of every other packet to its flow — {@link InboundPublishes} (PUBLISH, PUBREL),
 * {@link Deliveries} (PUBACK, PUBREC, PUBCOMP), {@link SessionSubscriptions} (SUBSCRIBE, UNSUBSCRIBE).
 *
 * <p>Protocol errors close the connection, an MQTT 5 client getting a DISCONNECT with the reason first
 * (§4.13): a malformed packet (0x81), one over the maximum size (0x95), an invalid topic name (0x90), a second
 * CONNECT (0x82). A first packet that is not CONNECT closes it without a word [MQTT-3.1.0-1]; so does a
 * client that sends nothing for 1.5 times its keep-alive [MQTT-3.1.2-24] (v5: 0x8D first). Packets sent right
 * after CONNECT, while a session takeover completes, are handled in order once the CONNACK is out.
 *
 * <p>The session is opened once the CONNECT is accepted and closed when the connection ends
 * ({@link SessionLifecycle}): a persistent one (3.1.1 without clean session, v5 with a Session Expiry Interval)
 * outlives the connection. The will ({@link Will}) is published when the connection ends other than by a
 * DISCONNECT with reason 0x00 — a v5 DISCONNECT may also change the session expiry, but not from 0 (0x82).
 *
 * <p>Everything runs on the connection's event loop; deliveries and store completions from other threads
 * are handed to it.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements PacketOutput, SessionRegistry.Holder,
    LiveConnections.LiveConnection {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private enum State { AWAIT_CONNECT, CONNECTING, CONNECTED, CLOSED }

    private final VirtualHosts vhosts;
    private final MqttSettings settings;
    private final SessionRegistry sessions;
    private final PacketFramer framer;
    private final Login login;
    private final RetainedMessages retained;
    private final KafkaExport export;
    private final MqttStats stats;
    private final PublisherBlock publisherBlock;
    private BacklogFlow backlogFlow;
    private final LiveConnections live;
    private final Function<EventLoop, KeepAliveSweep> keepAlives;
    private final long id = QueueOwners.next();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    /** Packets that came while a takeover completed; null while there are none. */
    private List<MqttMessage> early;
    private ChannelHandlerContext ctx;
    private State state = State.AWAIT_CONNECT;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private String clientId;
    private CompletableFuture<Void> predecessor;
    private Session session;
    private InboundPublishes publishes;
    private SubscriptionTable table;
    private Deliveries deliveries;
    private SessionSubscriptions subscriptions;
    private ScheduledFuture<?> connectTimer;
    /** From the CONNACK on, if the client has a keep-alive. */
    private KeepAliveSweep.Watch keepAlive;
    private boolean cleanedUp;
    /** Counted in {@link MqttStats#clientsConnected} (from the CONNACK to the clean-up). */
    private boolean countedConnected;
    // What the client's CONNECT allows (MQTT 5), and how PUBLISHes are shaped to it, both ways.
    private ClientLimits limits = ClientLimits.NONE;
    private OutboundPublishes outbound;
    private InboundTopicAliases inboundAliases;
    /** Whether the CONNACK accepted the connection: only then does it have a session and a will. */
    private boolean accepted;
    private Will will;
    /** The Session Expiry Interval the CONNECT asked for: a DISCONNECT may not raise it from 0. */
    private long requestedExpiry;
    /** A DISCONNECT with reason 0x00 (3.x: any DISCONNECT) discards the will. */
    private boolean normalDisconnect;

    /**
     * @param login      shared by the front-end's connections
     * @param keepAlives the keep-alive sweep of an event loop (one per loop, shared by its connections)
     */
    public MqttConnection(VirtualHosts vhosts, Login login, ResourceAlarms alarms, LiveConnections live,
                          MqttSettings settings, SessionRegistry sessions, PacketFramer framer,
                          RetainedMessages retained, KafkaExport export, MqttStats stats,
                          Function<EventLoop, KeepAliveSweep> keepAlives) {
        this.vhosts = vhosts;
        this.publisherBlock = new PublisherBlock(alarms);
        this.live = live;
        this.retained = retained;
        this.export = export;
        this.stats = stats;
        this.settings = settings;
        this.sessions = sessions;
        this.framer = framer;
        this.login = login;
        this.keepAlives = keepAlives;
    }

    // ---- PacketOutput ----

    @Override public EventLoop eventLoop() { return ctx.channel().eventLoop(); }
    @Override
    public void write(MqttMessage packet) {
        if (packet instanceof MqttPublishMessage p) writePublish(p);
        else ctx.write(packet, ctx.voidPromise());
    }

    @Override
    public boolean writePublish(MqttPublishMessage packet) {
        MqttPublishMessage shaped = outbound == null ? packet : outbound.prepare(packet);
        if (shaped == null) {
            LOG.debug("MQTT client '{}': a message to '{}' is over its Maximum Packet Size of {} bytes; not sent",
                clientId, packet.variableHeader().topicName(), limits.maximumPacketSize());
            return false;
        }
        ctx.write(shaped, ctx.voidPromise());
        return true;
    }
    @Override public void flush() { ctx.flush(); }
    /** Any thread: Netty's writability flag is volatile. */
    @Override public boolean isWritable() { return ctx.channel().isWritable(); }

    @Override
    public void fail(MqttReasonCodes.Disconnect reason, String text) {
        if (state == State.CLOSED) return;
        LOG.info("Closing MQTT connection from {} (client '{}'): {} (reason 0x{})", remote(), clientId, text,
            Integer.toHexString(reason.byteValue() & 0xFF));
        boolean tell = state == State.CONNECTED && version == MqttVersion.MQTT_5;
        state = State.CLOSED;
        cleanUp();
        if (tell) {
            String why = reason == MqttReasonCodes.Disconnect.IMPLEMENTATION_SPECIFIC_ERROR ? "internal error" : text;
            ctx.writeAndFlush(Packets.disconnect(reason, why, limits.maximumPacketSize()))
                .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    // ---- SessionRegistry.Holder ----

    @Override
    public void takenOver() {
        ctx.executor().execute(() -> fail(MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER,
            "another connection took over the session of client '" + clientId + "'"));
    }

    @Override
    public CompletableFuture<Void> released() { return released; }

    // ---- LiveConnections.LiveConnection: access changes, on the notifier thread ----

    @Override public String vhostName() { return session.vhost().name(); }
    @Override public String userName() { return session.user().name(); }

    /** The vhost or user is gone, or the permissions cleared: v5 hears DISCONNECT 0x98 Administrative action. */
    @Override
    public void accessRevoked(String why) {
        ctx.executor().execute(() -> fail(MqttReasonCodes.Disconnect.ADMINISTRATIVE_ACTION, why));
    }

    /** From the next PUBLISH, SUBSCRIBE or UNSUBSCRIBE on, the new permissions apply. */
    @Override
    public void permissionChanged(Permission now) { session.access().set(now); }

    // ---- Netty ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connectTimer = ctx.executor().schedule(() -> {
            if (state == State.AWAIT_CONNECT) {
                LOG.info("Closing MQTT connection from {}: no CONNECT within {} ms", remote(), settings.connectTimeoutMs());
                state = State.CLOSED;
                ctx.close();
            }
        }, settings.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (keepAlive != null) keepAlive.touch();
        if (msg instanceof RejectedPacket r) {
            if (state == State.AWAIT_CONNECT) closeSilently(r.text());
            else fail(r.reason(), r.text());
            return;
        }
        MqttMessage m = (MqttMessage) msg;
        if (state == State.CONNECTING) {
            if (early == null) early = new ArrayList<>();
            early.add(m); // released once handled
            return;
        }
        try {
            handle(m);
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private void handle(MqttMessage m) {
        try {
            if (m.decoderResult().isFailure()) {
                undecodable(m);
            } else {
                dispatch(m);
            }
        } catch (ConnectRefused e) {
            refuse(e);
        } catch (ProtocolViolation e) {
            fail(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Internal error on MQTT connection from {} (client '{}')", remote(), clientId, e);
            fail(MqttReasonCodes.Disconnect.IMPLEMENTATION_SPECIFIC_ERROR, "internal error: " + e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (publishes != null) publishes.flushBatch(); // the read's PUBLISHes, appended together
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && deliveries != null && subscriptions.queue() != null) {
            deliveries.writable(subscriptions.queue().queue());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Nothing came within 1.5 times the keep-alive. */
    private void keepAliveExpired() {
        if (publisherBlock.blocked()) return; // not reading while an alarm lasts: its PINGREQs wait in the socket
        fail(MqttReasonCodes.Disconnect.KEEP_ALIVE_TIMEOUT, "nothing received within 1.5 times the keep-alive");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        cleanUp();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("MQTT connection from {} failed: {}", remote(), cause.toString());
        } else {
            LOG.warn("MQTT connection from {} failed", remote(), cause);
        }
        state = State.CLOSED;
        cleanUp();
        ctx.close();
    }

    // ---- packets ----

    private void dispatch(MqttMessage m) {
        switch (m.fixedHeader().messageType()) {
            case CONNECT -> {
                if (state != State.AWAIT_CONNECT) {
                    fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "a second CONNECT [MQTT-3.1.0-2]");
                } else {
                    connect((MqttConnectMessage) m);
                }
                return;
            }
            default -> {
                if (state == State.AWAIT_CONNECT) {
                    closeSilently("the first packet is " + m.fixedHeader().messageType() + ", not CONNECT [MQTT-3.1.0-1]");
                    return;
                }
            }
        }
        // What the read published so far is stored before anything else is handled (a SUBSCRIBE may look at it).
        if (m.fixedHeader().messageType() != MqttMessageType.PUBLISH && publishes != null) publishes.flushBatch();
        switch (m.fixedHeader().messageType()) {
            case PUBLISH -> onPublish((MqttPublishMessage) m);
            case PUBACK -> deliveries.onPubAck(packetId(m));
            case PUBREC -> deliveries.onPubRec(packetId(m), reasonCode(m));
            case PUBREL -> publishes().onPubRel(packetId(m));
            case PUBCOMP -> deliveries.onPubComp(packetId(m));
            case SUBSCRIBE -> subscriptions.onSubscribe((MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> subscriptions.onUnsubscribe((MqttUnsubscribeMessage) m);
            case PINGREQ -> write(Packets.pingResp());
            case DISCONNECT -> disconnect(m);
            case AUTH -> fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "AUTH, but no authentication method was agreed");
            default -> fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "a " + m.fixedHeader().messageType()
                + " packet, which only a server sends");
        }
    }

    /**
     * The inbound flows, made at the first PUBLISH or PUBREL (or a resumed session's QoS 2 identifiers): a
     * connection that only subscribes, or is idle, never holds them.
     */
    private InboundPublishes publishes() {
        if (publishes == null) {
            backlogFlow = new BacklogFlow(publisherBlock, ctx.channel().eventLoop(), settings.publisherBacklog());
            publishes = new InboundPublishes(session, this, table, backlogFlow);
        }
        return publishes;
    }

    /** A PUBLISH: its topic alias resolved, then the flows; an alarm holds the connection back after it. */
    private void onPublish(MqttPublishMessage m) {
        publishes().onPublish(inboundAliases == null ? m : inboundAliases.resolve(m));
        publisherBlock.publishing();
    }

    /** DISCONNECT: v5 may carry a reason (0x04: publish the will) and a new Session Expiry Interval. */
    private void disconnect(MqttMessage m) {
        int reason = 0;
        if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            reason = h.reasonCode() & 0xFF;
            if (h.properties().getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value())
                instanceof MqttProperties.IntegerProperty e) {
                long asked = e.value() & 0xFFFFFFFFL;
                if (requestedExpiry == 0 && asked != 0) {
                    fail(MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "DISCONNECT sets a Session Expiry Interval, "
                        + "but the CONNECT had none [MQTT-3.14.2-2]");
                    return;
                }
                session = session.withExpiry(Math.min(asked, settings.maxSessionExpirySeconds()));
            }
        }
        LOG.debug("MQTT client '{}' disconnected (reason 0x{})", clientId, Integer.toHexString(reason));
        normalDisconnect = reason == 0;
        state = State.CLOSED;
        cleanUp();
        ctx.close();
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static int reasonCode(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader v ? v.reasonCode() & 0xFF : 0;
    }

    /** A packet Netty could not decode. */
    private void undecodable(MqttMessage m) {
        Throwable cause = m.decoderResult().cause();
        if (state == State.AWAIT_CONNECT) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                throw new ConnectRefused(ConnectRefused.Refusal.UNSUPPORTED_PROTOCOL_VERSION, cause.getMessage());
            }
            if (cause instanceof MqttIdentifierRejectedException && m.variableHeader() instanceof MqttConnectVariableHeader h) {
                version = MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version());
                throw new ConnectRefused(ConnectRefused.Refusal.CLIENT_IDENTIFIER_NOT_VALID, cause.getMessage());
            }
            closeSilently("malformed first packet: " + cause.getMessage());
            return;
        }
        fail(MqttReasonCodes.Disconnect.MALFORMED_PACKET, "malformed packet: " + cause.getMessage());
    }

    // ---- CONNECT ----

    private void connect(MqttConnectMessage m) {
        MqttConnectVariableHeader h = m.variableHeader();
        version = MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version());
        ConnectRequest request = ConnectRequest.of(m);
        limits = ClientLimits.of(m);
        Login.Grant grant = login.login(request.username(), request.password(),
            ((InetSocketAddress) ctx.channel().localAddress()).getAddress());
        VirtualHost vhost = vhosts.added(settings.vhost());
        Exchange exchange = vhost.exchange(settings.exchange());
        if (exchange == null) {
            throw new ConnectRefused(ConnectRefused.Refusal.SERVER_UNAVAILABLE, "no exchange '" + settings.exchange()
                + "' in vhost '" + settings.vhost() + "'");
        }
        if (request.hasWill() && !grant.permission().canWrite(Permission.exchangeResource(exchange.name()))) {
            // As RabbitMQ: the will is checked when it is given, not when it is due.
            throw new ConnectRefused(ConnectRefused.Refusal.NOT_AUTHORIZED, "user '" + grant.user().name()
                + "' may not write to exchange '" + exchange.name() + "', where the will would go");
        }
        clientId = request.clientId();
        will = request.will();
        requestedExpiry = request.sessionExpirySeconds();
        long expiry = SessionExpiry.grant(request.isV5(), request.cleanStart(), request.sessionExpirySeconds(),
            settings.maxSessionExpirySeconds());
        session = new Session(clientId, version, grant.user(), new LivePermission(grant.permission()), vhost, exchange, id, expiry,
            retained, export);
        state = State.CONNECTING;
        predecessor = sessions.claim(clientId, this);
        if (predecessor.isDone()) {
            accept(request);
        } else {
            predecessor.whenComplete((v, e) -> ctx.executor().execute(() -> {
                accept(request);
                ctx.flush();
            }));
        }
    }

    private void accept(ConnectRequest request) {
        if (state != State.CONNECTING) return; // closed, or taken over, while the takeover completed
        cancelConnectTimer();
        SessionLifecycle.Opened opened;
        try {
            opened = SessionLifecycle.open(sessions, session, request.cleanStart());
        } catch (ConnectRefused e) {
            refuse(e);
            return;
        }
        int window = request.receiveMaximum() > 0 ? Math.min(request.receiveMaximum(), settings.maxInFlight())
            : settings.maxInFlight();
        table = new SubscriptionTable(clientId);
        deliveries = new Deliveries(this, table, request.isV5(), window);
        subscriptions = new SessionSubscriptions(session, this, deliveries, table, retained);
        framer.maxPacketSize(settings.maxPacketSize());
        int keepAlive = ServerLimits.keepAlive(request, settings);
        if (keepAlive > 0) {
            long ms = keepAlive * 1500L; // 1.5 times the keep-alive [MQTT-3.1.2-24]
            this.keepAlive = keepAlives.apply(ctx.channel().eventLoop()).watch(ms, this::keepAliveExpired);
        }
        state = State.CONNECTED;
        accepted = true;
        stats.clientConnected();
        countedConnected = true;
        MqttConnAckMessage connAck = ConnAcks.accepted(request, settings.maxPacketSize(), opened.present(),
            session.expirySeconds());
        if (request.isV5()) {
            ServerLimits.advertise(connAck.variableHeader().properties(), request, settings);
            inboundAliases = new InboundTopicAliases(settings.topicAliasMaximum());
            if (settings.topicAliasMaximum() > 0) framer.allowEmptyTopic();
        }
        outbound = new OutboundPublishes(limits, request.isV5());
        publisherBlock.start(ctx.channel(), new KeepAliveRestart(this.keepAlive));
        live.opened(this);
        write(connAck);
        if (!opened.awaitingRelease().isEmpty()) publishes().resume(opened.awaitingRelease());
        if (opened.queue() != null) {
            deliveries.resume(opened.queue().queue(), opened.outbound());
            subscriptions.resume(opened.queue(), opened.subscriptions());
        }
        LOG.debug("MQTT client '{}' connected from {} as '{}' (MQTT {})", clientId, remote(), session.user().name(), version);
        List<MqttMessage> pipelined = early == null ? List.of() : early;
        early = null;
        for (MqttMessage m : pipelined) {
            try {
                if (state != State.CLOSED) handle(m);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private void refuse(ConnectRefused e) {
        LOG.info("MQTT connection from {} refused: {}", remote(), e.getMessage());
        state = State.CLOSED;
        cleanUp();
        ctx.writeAndFlush(ConnAcks.refused(e.refusal(), version)).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeSilently(String why) {
        LOG.info("Closing MQTT connection from {}: {}", remote(), why);
        state = State.CLOSED;
        cleanUp();
        ctx.close();
    }

    // ---- clean-up ----

    /**
     * Lets the session go: requeues unsettled deliveries, ends or detaches the session, publishes the will
     * unless a normal DISCONNECT discarded it. Runs once.
     */
    private void cleanUp() {
        if (cleanedUp) return;
        cleanedUp = true;
        cancelConnectTimer();
        if (keepAlive != null) keepAlive.cancel();
        publisherBlock.stop();
        if (backlogFlow != null) backlogFlow.stop();
        live.closed(this);
        if (early != null) for (MqttMessage m : early) ReferenceCountUtil.release(m);
        early = null;
        try {
            Set<Integer> awaitingRelease = publishes == null ? Set.of() : publishes.awaitingRelease();
            if (publishes != null) publishes.close();
            Deliveries.Handover outbound = deliveries == null ? Deliveries.Handover.NONE
                : deliveries.stop(subscriptions.queue() == null ? null : subscriptions.queue().queue());
            if (subscriptions != null) subscriptions.close();
            if (accepted) {
                SessionLifecycle.close(sessions, session, awaitingRelease, outbound, normalDisconnect ? null : will,
                    ctx.channel().eventLoop());
            }
            if (session != null) session.vhost().connectionClosed(id);
        } catch (RuntimeException e) {
            LOG.error("Releasing the session of MQTT client '{}' failed", clientId, e);
        } finally {
            if (countedConnected) stats.clientDisconnected();
            if (clientId != null) sessions.release(clientId, this);
            CompletableFuture<Void> before = predecessor == null ? CompletableFuture.completedFuture(null) : predecessor;
            before.whenComplete((v, e) -> released.complete(null));
        }
    }

    private void cancelConnectTimer() {
        if (connectTimer == null) return;
        connectTimer.cancel(false);
        connectTimer = null; // a cancelled task still holds this connection and its own 64 bytes
    }

    private String remote() {
        return ctx == null ? "?" : String.valueOf(ctx.channel().remoteAddress());
    }
}
