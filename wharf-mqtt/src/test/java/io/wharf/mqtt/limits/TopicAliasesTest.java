package io.wharf.mqtt.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.wharf.mqtt.codec.Packets;
import io.wharf.mqtt.codec.ProtocolViolation;
import org.junit.jupiter.api.Test;

/** Topic aliases from the client (resolved, checked) and to it (assigned up to its maximum, never rebound). */
class TopicAliasesTest {
    private static MqttPublishMessage publish(String topic, Integer alias) {
        MqttProperties p = new MqttProperties();
        if (alias != null) p.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
        return Packets.publish(topic, 0, false, 0, p, new byte[1]);
    }

    private static MqttReasonCodes.Disconnect refusal(InboundTopicAliases aliases, MqttPublishMessage m) {
        try {
            aliases.resolve(m);
        } catch (ProtocolViolation e) {
            return e.reason();
        }
        throw new AssertionError("accepted " + m);
    }

    @Test
    void anAliasSetWithATopicNamesItLaterAndMayBeRebound() {
        InboundTopicAliases in = new InboundTopicAliases(4);
        assertThat(in.resolve(publish("a/b", 4)).variableHeader().topicName()).isEqualTo("a/b");
        assertThat(in.resolve(publish("", 4)).variableHeader().topicName()).isEqualTo("a/b");
        in.resolve(publish("c", 4));
        assertThat(in.resolve(publish("", 4)).variableHeader().topicName()).isEqualTo("c");
        assertThat(in.resolve(publish("plain", null)).variableHeader().topicName()).isEqualTo("plain");
    }

    @Test
    void badAliasesAreRefusedWithTheirReasonCodes() {
        InboundTopicAliases in = new InboundTopicAliases(4);
        assertThat(refusal(in, publish("a", 0))).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_ALIAS_INVALID);
        assertThat(refusal(in, publish("a", 5))).isEqualTo(MqttReasonCodes.Disconnect.TOPIC_ALIAS_INVALID);
        assertThat(refusal(in, publish("", 2))).isEqualTo(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
        assertThat(refusal(in, publish("", null))).isEqualTo(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
        assertThat(refusal(new InboundTopicAliases(0), publish("a", 1)))
            .isEqualTo(MqttReasonCodes.Disconnect.TOPIC_ALIAS_INVALID);
    }

    @Test
    void outboundAliasesGoToTheFirstTopicsAndAreKept() {
        OutboundTopicAliases out = new OutboundTopicAliases(2);
        OutboundTopicAliases.Form a = out.formFor("a");
        assertThat(a).isEqualTo(new OutboundTopicAliases.Form(1, true));
        assertThat(out.formFor("a")).as("not sent yet: still to be introduced").isEqualTo(a);
        out.sent("a", a);
        assertThat(out.formFor("a")).isEqualTo(new OutboundTopicAliases.Form(1, false));
        out.sent("b", out.formFor("b"));
        assertThat(out.formFor("c")).as("over the maximum: in full").isEqualTo(new OutboundTopicAliases.Form(0, true));
        assertThat(out.formFor("b")).isEqualTo(new OutboundTopicAliases.Form(2, false));
    }

    @Test
    void aPublishTooLargeForTheClientIsNotShapedButDropped() {
        OutboundPublishes out = new OutboundPublishes(new ClientLimits(40, 1, true), true);
        MqttPublishMessage small = out.prepare(publish("t/1", null));
        assertThat(small.variableHeader().topicName()).isEqualTo("t/1");
        assertThat(small.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()).value())
            .isEqualTo(1);
        assertThat(out.prepare(publish("t/1", null)).variableHeader().topicName()).as("by alias only").isEmpty();
        MqttPublishMessage big = Packets.publish("t/2", 1, false, 1, new MqttProperties(), new byte[64]);
        assertThat(out.prepare(big)).isNull();
        assertThat(big.refCnt()).as("released").isZero();
    }
}
