package io.wharf.mqtt;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.wharf.broker.alarm.ResourceAlarms;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.LiveConnections;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.mqtt.codec.PacketFramer;
import io.wharf.mqtt.connect.Login;
import io.wharf.mqtt.connection.MqttConnection;
import io.wharf.mqtt.bridge.KafkaExport;
import io.wharf.mqtt.flow.KeepAliveSweep;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.SessionRegistry;
import io.wharf.mqtt.sys.MqttStats;
import io.wharf.mqtt.sys.TrafficCounter;
import io.wharf.mqtt.ws.MqttWebSocket;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT 3.1, 3.1.1 and 5 front-end, over TCP and over WebSocket. Each socket gets a short pipeline:
 * <ol>
 *   <li>on a WebSocket listener only, the HTTP upgrade and the frames ({@link MqttWebSocket});
 *   <li>{@link PacketFramer}: cuts the stream into packets, refusing one over the size limit from its fixed
 *       header (before its body is buffered) and a PUBLISH whose topic is not a valid MQTT topic name;
 *   <li>Netty's {@link MqttDecoder} and {@link MqttEncoder} (every protocol version);
 *   <li>one {@link MqttConnection}, the protocol flows, on the broker's virtual hosts and access control.
 * </ol>
 * Messages go through the {@code amq.topic} exchange of vhost "/" as RabbitMQ's MQTT plugin routes them,
 * so AMQP and MQTT clients see each other's messages. Both transports share the sessions (a client may take
 * over its session from the other transport), the resource alarms that hold publishers back, and the
 * registry of live connections that access changes reach.
 *
 * <p>What every connection would otherwise have a copy of is shared: the login, one keep-alive sweep per event
 * loop ({@link KeepAliveSweep}), the receive buffer sizing policy; an idle connection holds no buffer.
 */
public final class MqttFrontEnd implements ProtocolFrontEnd {
    private static final Logger LOG = LoggerFactory.getLogger(MqttFrontEnd.class);
    /** Netty's default for a socket: adaptive sizes, up to 16 reads per readiness event. */
    private static final RecvByteBufAllocator RECEIVE_BUFFERS =
        new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(16);

    private final VirtualHosts vhosts;
    private final ResourceAlarms alarms;
    private final MqttSettings settings;
    private final SessionRegistry sessions = new SessionRegistry();
    private final RetainedMessages retained;
    private final KafkaExport export;
    private final MqttStats stats;
    private final TrafficCounter traffic;
    private final LiveConnections live;
    private final Login login;
    private final Map<EventLoop, KeepAliveSweep> sweeps = new ConcurrentHashMap<>();
    private final Function<EventLoop, KeepAliveSweep> keepAlives = loop -> sweeps.computeIfAbsent(loop, KeepAliveSweep::new);
    private final AutoCloseable accessListener;
    private final ProtocolFrontEnd webSocket = new ProtocolFrontEnd() {
        @Override
        public String protocol() { return MqttFrontEnd.this.protocol(); }

        @Override
        public void initChannel(SocketChannel channel) {
            MqttWebSocket.install(channel.pipeline(), settings.maxPacketSize());
            addMqtt(channel.pipeline());
        }
    };

    /**
     * @param retained the retained messages (the broker's store)
     * @param export   the Kafka topics publishes also go to ({@link KafkaExport#NONE}: none)
     * @param stats    the counters {@code $SYS} reports, which this front-end's connections keep
     */
    public MqttFrontEnd(VirtualHosts vhosts, AccessControl access, ResourceAlarms alarms, MqttSettings settings,
                        RetainedMessages retained, KafkaExport export, MqttStats stats) {
        this.vhosts = vhosts;
        this.alarms = alarms;
        this.settings = settings;
        this.retained = retained;
        this.export = export;
        this.stats = stats;
        this.traffic = new TrafficCounter(stats);
        this.live = new LiveConnections(access);
        this.login = new Login(access, settings);
        this.accessListener = access.addListener(live);
    }

    /**
     * Whether the listener of that name serves MQTT over WebSocket: {@code WS}, or a name starting with
     * {@code WS_} or {@code WS-} (several WebSocket listeners need distinct names); any other name in
     * {@code mqtt.listeners} serves MQTT over TCP.
     */
    public static boolean isWebSocketListener(String listenerName) {
        String name = listenerName.toUpperCase(Locale.ROOT);
        return name.equals("WS") || name.startsWith("WS_") || name.startsWith("WS-");
    }

    /** The pipeline for the listener of that name: WebSocket or TCP ({@link #isWebSocketListener}). */
    public ProtocolFrontEnd forListener(String listenerName) {
        return isWebSocketListener(listenerName) ? webSocket : this;
    }

    /** MQTT over WebSocket, path {@value MqttWebSocket#PATH}. */
    public ProtocolFrontEnd webSocket() { return webSocket; }

    @Override
    public String protocol() { return "MQTT"; }

    /** MQTT over TCP. */
    @Override
    public void initChannel(SocketChannel channel) {
        addMqtt(channel.pipeline());
    }

    private void addMqtt(ChannelPipeline pipeline) {
        // Netty gives each channel an allocator of its own (with the same policy): one serves them all.
        pipeline.channel().config().setRecvByteBufAllocator(RECEIVE_BUFFERS);
        PacketFramer framer = new PacketFramer(settings.maxConnectPacketSize());
        pipeline.addLast("mqtt-framer", framer);
        pipeline.addLast("mqtt-traffic", traffic); // counts whole MQTT packets both ways ($SYS)
        // The framer has bounded the packet already; the decoder's own limit only has to let it through.
        pipeline.addLast("mqtt-decoder", new MqttDecoder(MqttSettings.PROTOCOL_MAX_PACKET_SIZE));
        pipeline.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("mqtt", new MqttConnection(vhosts, login, alarms, live, settings, sessions, framer, retained,
            export, stats, keepAlives));
    }

    /** The sessions with a live connection (for tests and management). */
    public SessionRegistry sessions() { return sessions; }

    /** The connections logged in, which access changes reach. */
    public LiveConnections liveConnections() { return live; }

    @Override
    public void close() {
        try {
            accessListener.close();
        } catch (Exception e) {
            LOG.warn("Cannot remove the MQTT front-end's access listener", e);
        }
    }
}
