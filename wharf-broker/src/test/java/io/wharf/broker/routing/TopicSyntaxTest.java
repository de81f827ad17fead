package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which filters and topics each protocol accepts, and how a string is cut into words. */
class TopicSyntaxTest {

    @Test
    void eachSyntaxNamesItsSeparatorAndWildcards() {
        assertThat(TopicSyntax.AMQP.separator()).isEqualTo('.');
        assertThat(TopicSyntax.AMQP.oneWordWildcard()).isEqualTo("*");
        assertThat(TopicSyntax.AMQP.anyWordsWildcard()).isEqualTo("#");
        assertThat(TopicSyntax.MQTT.separator()).isEqualTo('/');
        assertThat(TopicSyntax.MQTT.oneWordWildcard()).isEqualTo("+");
        assertThat(TopicSyntax.MQTT.anyWordsWildcard()).isEqualTo("#");
    }

    /** RabbitMQ binds any string as a topic binding key; wildcard characters inside a word are literal. */
    @ParameterizedTest
    @ValueSource(strings = {"", "#", "a.#.b", "a#", "*a", "a..b", ".", "#.#", "sp+rt", "a/b/#/c", "\u0000"})
    void amqpAcceptsEveryBindingKey(String filter) {
        assertThatCode(() -> TopicSyntax.AMQP.validateFilter(filter)).doesNotThrowAnyException();
        assertThatCode(() -> TopicSyntax.AMQP.validateTopic(filter)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "/", "//", "sport/#", "sport/+/player1", "+/+", "/+", "+/#", "$SYS/#",
        "sport/tennis/#", "sport/", "$share/group/a/+", "a b/c"})
    void mqttAcceptsWellFormedFilters(String filter) {
        assertThatCode(() -> TopicSyntax.MQTT.validateFilter(filter)).doesNotThrowAnyException();
    }

    @Test
    void mqttRefusesAMisplacedMultiLevelWildcard() {
        for (String filter : List.of("sport/tennis#", "sport/#/ranking", "#/a", "##", "a#", "#/")) {
            assertThatThrownBy(() -> TopicSyntax.MQTT.validateFilter(filter))
                .as(filter)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + filter + "'")
                .hasMessageContaining("MQTT-4.7.1-2");
        }
    }

    @Test
    void mqttRefusesASingleLevelWildcardSharingItsLevel() {
        for (String filter : List.of("sport+", "sp+rt", "+sport", "a/b+/c", "++", "a/++")) {
            assertThatThrownBy(() -> TopicSyntax.MQTT.validateFilter(filter))
                .as(filter)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + filter + "'")
                .hasMessageContaining("MQTT-4.7.1-3");
        }
    }

    @Test
    void mqttRefusesEmptyFiltersAndNullCharacters() {
        assertThatThrownBy(() -> TopicSyntax.MQTT.validateFilter(""))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MQTT-4.7.3-1");
        assertThatThrownBy(() -> TopicSyntax.MQTT.validateFilter("a/\u0000/b"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MQTT-4.7.3-2");
    }

    @Test
    void mqttTopicNamesHaveNoWildcards() {
        assertThatCode(() -> TopicSyntax.MQTT.validateTopic("sport/tennis")).doesNotThrowAnyException();
        assertThatCode(() -> TopicSyntax.MQTT.validateTopic("$SYS/broker")).doesNotThrowAnyException();
        assertThatCode(() -> TopicSyntax.MQTT.validateTopic("/")).doesNotThrowAnyException();
        for (String topic : List.of("sport/+", "sport/#", "a+b")) {
            assertThatThrownBy(() -> TopicSyntax.MQTT.validateTopic(topic))
                .as(topic)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + topic + "'")
                .hasMessageContaining("MQTT-4.7.1-1");
        }
        assertThatThrownBy(() -> TopicSyntax.MQTT.validateTopic(""))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MQTT-4.7.3-1");
    }

    /** RabbitMQ's split_topic_key: the empty key has no words; every other key keeps its empty words. */
    @Test
    void amqpWordsFollowRabbitMqsSplit() {
        assertThat(TopicSyntax.AMQP.words("")).isEmpty();
        assertThat(TopicSyntax.AMQP.words("a")).containsExactly("a");
        assertThat(TopicSyntax.AMQP.words("a..b")).containsExactly("a", "", "b");
        assertThat(TopicSyntax.AMQP.words("a.")).containsExactly("a", "");
        assertThat(TopicSyntax.AMQP.words(".")).containsExactly("", "");
    }

    /** An MQTT topic has one level more than it has separators. */
    @Test
    void mqttLevelsAreOneMoreThanSeparators() {
        assertThat(TopicSyntax.MQTT.words("sport")).containsExactly("sport");
        assertThat(TopicSyntax.MQTT.words("sport/")).containsExactly("sport", "");
        assertThat(TopicSyntax.MQTT.words("/")).containsExactly("", "");
        assertThat(TopicSyntax.MQTT.words("/finance")).containsExactly("", "finance");
    }
}
