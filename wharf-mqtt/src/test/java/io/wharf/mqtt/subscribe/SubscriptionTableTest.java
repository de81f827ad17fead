package io.wharf.mqtt.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubscriptionTableTest {
    private static Subscription sub(String filter, int qos) { return new Subscription(filter, qos, false, false, 0); }

    @Test
    void theHighestGrantedQosOfTheMatchingFiltersWins() {
        SubscriptionTable t = new SubscriptionTable();
        t.put(sub("home/#", 0));
        t.put(sub("home/+/temp", 2));
        assertThat(t.grantedQos("home/kitchen/temp")).isEqualTo(2);
        assertThat(t.grantedQos("home/kitchen")).isZero();
        assertThat(t.grantedQos("office/kitchen/temp")).isEqualTo(-1);
    }

    @Test
    void dollarTopicsEscapeLeadingWildcardsAndLiteralStarsAreNotWildcards() {
        SubscriptionTable t = new SubscriptionTable();
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
        SubscriptionTable t = new SubscriptionTable();
        t.put(sub("a/b", 2));
        assertThat(t.put(sub("a/b", 0))).isEqualTo(sub("a/b", 2));
        assertThat(t.grantedQos("a/b")).isZero();
        assertThat(t.all()).hasSize(1);
    }
}
