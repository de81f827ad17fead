package io.wharf.mqtt;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.mqtt.codec.PacketFramer;
import io.wharf.mqtt.connection.MqttConnection;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.session.SessionRegistry;
import io.wharf.mqtt.sys.MqttStats;
import io.wharf.mqtt.sys.TrafficCounter;

/**
 * The MQTT 3.1, 3.1.1 and 5 front-end. Each socket gets a short pipeline:
 * <ol>
 *   <li>{@link PacketFramer}: cuts the stream into packets, refusing one over the size limit from its fixed
 *       header (before its body is buffered) and a PUBLISH whose topic is not a valid MQTT topic name;
 *   <li>Netty's {@link MqttDecoder} and {@link MqttEncoder} (every protocol version);
 *   <li>one {@link MqttConnection}, the protocol flows, on the broker's virtual hosts and access control.
 * </ol>
 * Messages go through the {@code amq.topic} exchange of vhost "/" as RabbitMQ's MQTT plugin routes them,
 * so AMQP and MQTT clients see each other's messages.
 */
public final class MqttFrontEnd implements ProtocolFrontEnd {
    private final VirtualHosts vhosts;
    private final AccessControl access;
    private final MqttSettings settings;
    private final SessionRegistry sessions = new SessionRegistry();
    private final RetainedMessages retained;
    private final MqttStats stats;
    private final TrafficCounter traffic;

    /**
     * @param retained the retained messages (the broker's store)
     * @param stats    the counters {@code $SYS} reports, which this front-end's connections keep
     */
    public MqttFrontEnd(VirtualHosts vhosts, AccessControl access, MqttSettings settings, RetainedMessages retained,
                        MqttStats stats) {
        this.vhosts = vhosts;
        this.access = access;
        this.settings = settings;
        this.retained = retained;
        this.stats = stats;
        this.traffic = new TrafficCounter(stats);
    }

    @Override
    public String protocol() { return "MQTT"; }

    @Override
    public void initChannel(SocketChannel channel) {
        PacketFramer framer = new PacketFramer(settings.maxConnectPacketSize());
        channel.pipeline().addLast("mqtt-framer", framer);
        channel.pipeline().addLast("mqtt-traffic", traffic); // counts whole packets both ways ($SYS)
        // The framer has bounded the packet already; the decoder's own limit only has to let it through.
        channel.pipeline().addLast("mqtt-decoder", new MqttDecoder(MqttSettings.PROTOCOL_MAX_PACKET_SIZE));
        channel.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        channel.pipeline().addLast("mqtt", new MqttConnection(vhosts, access, settings, sessions, framer, retained,
            stats));
    }

    /** The sessions with a live connection (for tests and management). */
    public SessionRegistry sessions() { return sessions; }
}
