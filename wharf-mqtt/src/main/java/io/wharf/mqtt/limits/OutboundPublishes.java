package io.wharf.mqtt.limits;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.wharf.mqtt.codec.PacketSizes;

/**
 * Shapes each PUBLISH to a client as its CONNECT asked (MQTT 5): a topic alias where it allows them
 * ({@link OutboundTopicAliases}), and never a packet over its Maximum Packet Size — such a message is not
 * sent, and the caller settles it as if it had been delivered [MQTT-3.1.2-25] (§3.1.2.11.4: "discard it
 * without sending it and then behave as if it had completed sending that Application Message").
 *
 * <p>Confined to the connection's event loop.
 */
public final class OutboundPublishes {
    private final ClientLimits limits;
    private final boolean v5;
    private final OutboundTopicAliases aliases;

    public OutboundPublishes(ClientLimits limits, boolean v5) {
        this.limits = limits;
        this.v5 = v5;
        this.aliases = v5 && limits.topicAliasMaximum() > 0 ? new OutboundTopicAliases(limits.topicAliasMaximum()) : null;
    }

    /**
     * The packet to write for {@code p}; or null when it is too large for the client, and then {@code p}'s
     * payload has been released.
     */
    public MqttPublishMessage prepare(MqttPublishMessage p) {
        String topic = p.variableHeader().topicName();
        OutboundTopicAliases.Form form = aliases == null ? OutboundTopicAliases.Form.FULL : aliases.formFor(topic);
        MqttPublishMessage out = form.alias() == 0 ? p : withAlias(p, form);
        if (!limits.fits(PacketSizes.publish(out, v5))) {
            p.release();
            return null;
        }
        if (aliases != null) aliases.sent(topic, form);
        return out;
    }

    private static MqttPublishMessage withAlias(MqttPublishMessage p, OutboundTopicAliases.Form form) {
        MqttProperties props = new MqttProperties();
        for (MqttProperties.MqttProperty<?> each : p.variableHeader().properties().listAll()) props.add(each);
        props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value(), form.alias()));
        String topic = form.withTopic() ? p.variableHeader().topicName() : "";
        return new MqttPublishMessage(p.fixedHeader(), new MqttPublishVariableHeader(topic, p.variableHeader().packetId(),
            props), p.payload());
    }
}
