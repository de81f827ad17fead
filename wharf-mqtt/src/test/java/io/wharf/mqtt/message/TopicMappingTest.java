package io.wharf.mqtt.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicMappingTest {
    @Test
    void topicsSwapTheSeparatorsBothWays() {
        assertThat(TopicMapping.toRoutingKey("sensors/a/temp")).isEqualTo("sensors.a.temp");
        assertThat(TopicMapping.toRoutingKey("sensors/k1.a/temp")).isEqualTo("sensors.k1/a.temp");
        assertThat(TopicMapping.toTopic("sensors.k1/a.temp")).isEqualTo("sensors/k1.a/temp");
        assertThat(TopicMapping.toRoutingKey("/leading/")).isEqualTo(".leading.");
        assertThat(TopicMapping.toRoutingKey("plain")).isEqualTo("plain");
    }

    @Test
    void filtersMapTheWildcards() {
        assertThat(TopicMapping.toBindingKey("sensors/+/temp")).isEqualTo("sensors.*.temp");
        assertThat(TopicMapping.toBindingKey("sensors/#")).isEqualTo("sensors.#");
        assertThat(TopicMapping.toBindingKey("#")).isEqualTo("#");
        assertThat(TopicMapping.toBindingKey("a.b/+")).isEqualTo("a/b.*");
    }

    @Test
    void bindingKeysMapBackToTheFilters() {
        for (String f : new String[] {"sensors/+/temp", "sensors/#", "#", "a.b/+", "/x/"}) {
            assertThat(TopicMapping.toFilter(TopicMapping.toBindingKey(f))).isEqualTo(f);
        }
        assertThat(TopicMapping.toFilter("a.*")).as("a literal * level comes back as +, as in RabbitMQ").isEqualTo("a/+");
    }
}
