package io.wharf.mqtt.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.mqtt.message.MqttMessages;
import org.junit.jupiter.api.Test;

class SubscriptionTableTest {
    private static Subscription sub(String filter, int qos) { return new Subscription(filter, qos, false, false, 0); }

    @Test
    void theHighestGrantedQosOfTheMatchingFiltersWins() {
        SubscriptionTable t = new SubscriptionTable("me");
        t.put(sub("home/#", 0));
        t.put(sub("home/+/temp", 2));
        assertThat(t.grantedQos("home/kitchen/temp")).isEqualTo(2);
        assertThat(t.grantedQos("home/kitchen")).isZero();
        assertThat(t.grantedQos("office/kitchen/temp")).isEqualTo(-1);
    }

    @Test
    void dollarTopicsEscapeLeadingWildcardsAndLiteralStarsAreNotWildcards() {
        SubscriptionTable t = new SubscriptionTable("me");
        t.put(sub("#", 1));
        t.put(sub("a/*", 1));
        assertThat(t.grantedQos("$SYS/uptime")).isEqualTo(-1);
        t.put(sub("$SYS/#", 1));
        assertThat(t.grantedQos("$SYS/uptime")).isEqualTo(1);
        t.remove("#");
        assertThat(t.grantedQos("a/x")).as("'*' is a literal level in MQTT").isEqualTo(-1);
        assertThat(t.grantedQos("a/*")).isEqualTo(1);
    }

    @Test
    void resubscribingReplacesTheOptions() {
        SubscriptionTable t = new SubscriptionTable("me");
        t.put(sub("a/b", 2));
        assertThat(t.put(sub("a/b", 0))).isEqualTo(sub("a/b", 2));
        assertThat(t.grantedQos("a/b")).isZero();
        assertThat(t.all()).hasSize(1);
    }

    private static MqttMessages.Outgoing out(String topic, boolean retain, String publisher, String retainedFor) {
        return new MqttMessages.Outgoing(topic, 2, new MqttProperties(), new byte[0], retain, publisher, retainedFor);
    }

    @Test
    void noLocalSubscriptionsSkipTheClientsOwnPublishesOnly() {
        SubscriptionTable t = new SubscriptionTable("me");
        assertThat(t.hasNoLocal()).isFalse();
        t.put(new Subscription("a/#", 2, true, false, 0));
        t.put(sub("a/b", 1));
        assertThat(t.hasNoLocal()).isTrue();
        assertThat(t.match(null, out("a/b", false, "me", null)).qos()).as("only the other subscription").isEqualTo(1);
        assertThat(t.match(null, out("a/c", false, "me", null))).isNull();
        assertThat(t.match(null, out("a/c", false, "other", null)).qos()).isEqualTo(2);
        assertThat(t.match(null, out("a/c", false, null, null)).qos()).isEqualTo(2);
        t.put(new Subscription("a/#", 2, false, false, 0));
        assertThat(t.hasNoLocal()).isFalse();
    }

    @Test
    void everyMatchingSubscriptionIdentifierIsSentAndRetainOnlyWithRetainAsPublished() {
        SubscriptionTable t = new SubscriptionTable("me");
        t.put(new Subscription("a/#", 0, false, false, 0, 7));
        t.put(new Subscription("a/+", 1, false, false, 0, 9));
        t.put(new Subscription("a/b", 1, false, false, 0, 0));
        SubscriptionTable.Match m = t.match(null, out("a/b", true, null, null));
        assertThat(m.qos()).isEqualTo(1);
        assertThat(m.subscriptionIds()).containsExactlyInAnyOrder(7, 9);
        assertThat(m.retain()).isFalse();
        t.put(new Subscription("a/b", 1, false, true, 0, 0));
        assertThat(t.match(null, out("a/b", true, null, null)).retain()).isTrue();
        assertThat(t.match(null, out("a/b", false, null, null)).retain()).isFalse();
        MqttProperties props = new MqttProperties();
        SubscriptionTable.addIdentifiers(props, m);
        assertThat(props.getProperties(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()))
            .extracting(p -> p.value()).containsExactlyInAnyOrder(7, 9);
    }

    @Test
    void aRetainedCopyGoesOutForItsSubscriptionAloneWithRetainSet() {
        SubscriptionTable t = new SubscriptionTable("me");
        t.put(new Subscription("a/#", 2, false, false, 0, 3));
        t.put(new Subscription("a/+", 0, false, false, 0, 4));
        SubscriptionTable.Match m = t.match(null, out("a/b", true, null, "a/+"));
        assertThat(m.qos()).isZero();
        assertThat(m.retain()).isTrue();
        assertThat(m.subscriptionIds()).containsExactly(4);
        t.remove("a/+");
        assertThat(t.match(null, out("a/b", true, null, "a/+"))).as("unsubscribed meanwhile").isNull();
    }

    @Test
    void sharedFiltersAreParsedAndCheckedAndNameTheirGroupsQueue() {
        assertThat(SharedFilter.parse("a/b")).isNull();
        SharedFilter f = SharedFilter.parse("$share/workers/jobs/#");
        assertThat(f).isEqualTo(new SharedFilter("workers", "jobs/#"));
        assertThat(f.subscribed()).isEqualTo("$share/workers/jobs/#");
        assertThat(f.queueName()).isEqualTo("mqtt-shared-workers/jobs/#");
        for (String bad : new String[] {"$share/", "$share/g", "$share//a", "$share/g+/a", "$share/g/", "$share/g/a#"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SharedFilter.parse(bad)).as(bad)
                .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
