package io.wharf.mqtt.limits;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.wharf.mqtt.connect.ConnectRefused;

/**
 * What an MQTT 5 client's CONNECT says it accepts from the server (§3.1.2.11); a 3.x client says nothing, so
 * it gets {@link #NONE}: any packet size, no topic aliases.
 *
 * @param maximumPacketSize  Maximum Packet Size: the largest packet, fixed header included, the server may send
 *                           it [MQTT-3.1.2-24]; {@link Integer#MAX_VALUE} when absent (MQTT's own limit is lower)
 * @param topicAliasMaximum  Topic Alias Maximum: the highest topic alias the server may use towards it (0: none)
 * @param problemInformation Request Problem Information: false (0) forbids Reason Strings and User Properties on
 *                           packets other than PUBLISH, CONNACK and DISCONNECT [MQTT-3.1.2-29]
 */
public record ClientLimits(int maximumPacketSize, int topicAliasMaximum, boolean problemInformation) {
    public static final ClientLimits NONE = new ClientLimits(Integer.MAX_VALUE, 0, true);

    /** @throws ConnectRefused (Protocol Error) for a Maximum Packet Size of 0 [MQTT-3.1.2.11.4] */
    public static ClientLimits of(MqttConnectMessage connect) {
        var h = connect.variableHeader();
        if (MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version()) != MqttVersion.MQTT_5) return NONE;
        MqttProperties props = h.properties();
        int maxPacket = Integer.MAX_VALUE;
        if (props.getProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value()) instanceof MqttProperties.IntegerProperty p) {
            long value = p.value() & 0xFFFFFFFFL;
            if (value == 0) {
                throw new ConnectRefused(ConnectRefused.Refusal.PROTOCOL_ERROR, "Maximum Packet Size 0 [MQTT-3.1.2.11.4]");
            }
            maxPacket = (int) Math.min(Integer.MAX_VALUE, value);
        }
        int aliases = props.getProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value())
            instanceof MqttProperties.IntegerProperty p ? p.value() & 0xFFFF : 0;
        boolean problems = !(props.getProperty(MqttPropertyType.REQUEST_PROBLEM_INFORMATION.value())
            instanceof MqttProperties.IntegerProperty p && p.value() == 0);
        return new ClientLimits(maxPacket, aliases, problems);
    }

    /** Whether a packet of {@code bytes} (fixed header included) may go to this client. */
    public boolean fits(int bytes) { return bytes <= maximumPacketSize; }
}
