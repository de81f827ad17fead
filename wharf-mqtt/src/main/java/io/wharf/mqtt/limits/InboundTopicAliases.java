package io.wharf.mqtt.limits;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.wharf.mqtt.codec.ProtocolViolation;

/**
 * The topic aliases a client sets up on its PUBLISHes (MQTT 5 §3.3.2.3.4), up to the Topic Alias Maximum the
 * CONNACK advertised: a PUBLISH with a topic and an alias (re)binds the alias; one with an empty topic and an
 * alias means the topic bound to it. Aliases last as long as the connection [MQTT-3.3.2-7].
 *
 * <p>Confined to the connection's event loop.
 */
public final class InboundTopicAliases {
    private final String[] topics;

    /** @param maximum the Topic Alias Maximum the server advertised (0: aliases are refused) */
    public InboundTopicAliases(int maximum) {
        this.topics = new String[maximum + 1];
    }

    /**
     * The PUBLISH with its topic filled in.
     *
     * @throws ProtocolViolation 0x94 Topic Alias Invalid for alias 0 or one over the maximum [MQTT-3.3.2-8,
     *                           MQTT-3.3.2-9]; 0x82 Protocol Error for an empty topic without a known alias
     */
    public MqttPublishMessage resolve(MqttPublishMessage m) {
        MqttPublishVariableHeader h = m.variableHeader();
        MqttProperties props = h.properties();
        String topic = h.topicName();
        if (!(props.getProperty(MqttPropertyType.TOPIC_ALIAS.value()) instanceof MqttProperties.IntegerProperty p)) {
            if (topic.isEmpty()) {
                throw new ProtocolViolation(MqttReasonCodes.Disconnect.PROTOCOL_ERROR,
                    "a PUBLISH with neither a topic name nor a topic alias [MQTT-3.3.2-1]");
            }
            return m;
        }
        int alias = p.value();
        if (alias < 1 || alias >= topics.length) {
            throw new ProtocolViolation(MqttReasonCodes.Disconnect.TOPIC_ALIAS_INVALID, "topic alias " + alias
                + " is not between 1 and the Topic Alias Maximum, " + (topics.length - 1));
        }
        if (!topic.isEmpty()) {
            topics[alias] = topic;
            return m;
        }
        String bound = topics[alias];
        if (bound == null) {
            throw new ProtocolViolation(MqttReasonCodes.Disconnect.PROTOCOL_ERROR,
                "a PUBLISH with an empty topic name and topic alias " + alias + ", which no PUBLISH has set");
        }
        return new MqttPublishMessage(m.fixedHeader(), new MqttPublishVariableHeader(bound, h.packetId(), props),
            m.payload());
    }
}
