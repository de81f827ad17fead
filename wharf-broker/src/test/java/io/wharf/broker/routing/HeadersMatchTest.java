package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RabbitMQ's headers exchange: x-match rules, x- arguments, void values, and when two values are equal. */
class HeadersMatchTest {

    /** A table from alternating keys and values; values may be null (void). */
    private static Map<String, Object> table(Object... keysAndValues) {
        Map<String, Object> table = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            table.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return table;
    }

    private static boolean valuesMatch(Object bound, Object sent) {
        return HeadersMatch.matches(table("h", bound), table("h", sent));
    }

    @Test
    void allIsTheDefaultAndNeedsEveryArgument() {
        Map<String, Object> binding = table("format", "pdf", "type", "report");
        assertThat(HeadersMatch.matches(binding, table("format", "pdf", "type", "report", "extra", 1))).isTrue();
        assertThat(HeadersMatch.matches(binding, table("format", "pdf"))).isFalse();
        assertThat(HeadersMatch.matches(binding, table("format", "pdf", "type", "log"))).isFalse();
        assertThat(HeadersMatch.matches(binding, null)).isFalse();
        Map<String, Object> explicit = table("x-match", "all", "format", "pdf", "type", "report");
        assertThat(HeadersMatch.matches(explicit, table("type", "report", "format", "pdf"))).isTrue();
        assertThat(HeadersMatch.matches(explicit, table("type", "report"))).isFalse();
    }

    @Test
    void anyNeedsOneArgument() {
        Map<String, Object> binding = table("x-match", "any", "format", "pdf", "type", "log");
        assertThat(HeadersMatch.matches(binding, table("format", "pdf"))).isTrue();
        assertThat(HeadersMatch.matches(binding, table("type", "log", "format", "zip"))).isTrue();
        assertThat(HeadersMatch.matches(binding, table("type", "report"))).isFalse();
        assertThat(HeadersMatch.matches(binding, table())).isFalse();
        assertThat(HeadersMatch.matches(binding, null)).isFalse();
    }

    @Test
    void allWithNothingToConsiderMatchesEveryMessage() {
        for (Map<String, Object> binding : List.of(table(), table("x-match", "all"), table("x-match", "all", "x-q", 1))) {
            assertThat(HeadersMatch.matches(binding, table())).as("%s", binding).isTrue();
            assertThat(HeadersMatch.matches(binding, table("a", 1))).as("%s", binding).isTrue();
            assertThat(HeadersMatch.matches(binding, null)).as("%s", binding).isTrue();
        }
        assertThat(HeadersMatch.matches(null, null)).isTrue();
    }

    @Test
    void anyWithNothingToConsiderMatchesNoMessage() {
        assertThat(HeadersMatch.matches(table("x-match", "any"), table("a", 1))).isFalse();
        assertThat(HeadersMatch.matches(table("x-match", "any", "x-q", "v"), table("x-q", "v"))).isFalse();
        assertThat(HeadersMatch.matches(table("x-match", "any-with-x"), table("x-match", "any-with-x"))).isFalse();
    }

    @Test
    void xArgumentsAreIgnoredUnlessTheRuleIsWithX() {
        Map<String, Object> all = table("x-match", "all", "x-key", "v", "h", 1);
        assertThat(HeadersMatch.matches(all, table("h", 1))).isTrue();
        Map<String, Object> allWithX = table("x-match", "all-with-x", "x-key", "v", "h", 1);
        assertThat(HeadersMatch.matches(allWithX, table("h", 1))).isFalse();
        assertThat(HeadersMatch.matches(allWithX, table("h", 1, "x-key", "v"))).isTrue();
        assertThat(HeadersMatch.matches(allWithX, table("h", 1, "x-key", "w"))).isFalse();
        Map<String, Object> anyWithX = table("x-match", "any-with-x", "x-key", "v", "h", 1);
        assertThat(HeadersMatch.matches(anyWithX, table("x-key", "v"))).isTrue();
        assertThat(HeadersMatch.matches(anyWithX, table("x-key", "w", "h", 2))).isFalse();
        assertThat(HeadersMatch.matches(table("x-match", "any", "x-key", "v"), table("x-key", "v"))).isFalse();
    }

    @Test
    void anUnrecognisedXMatchMeansAll() {
        for (Object xMatch : new Object[] {"bogus", "ANY", 5}) {
            Map<String, Object> binding = table("x-match", xMatch, "a", 1, "b", 2);
            assertThat(HeadersMatch.matches(binding, table("a", 1, "b", 2))).as("%s", xMatch).isTrue();
            assertThat(HeadersMatch.matches(binding, table("a", 1))).as("%s", xMatch).isFalse();
        }
    }

    @Test
    void aVoidArgumentNeedsOnlyTheHeadersPresence() {
        Map<String, Object> all = table("h", null, "k", 1);
        assertThat(HeadersMatch.matches(all, table("h", "anything", "k", 1))).isTrue();
        assertThat(HeadersMatch.matches(all, table("h", null, "k", 1))).as("a void header is present").isTrue();
        assertThat(HeadersMatch.matches(all, table("k", 1))).isFalse();
        Map<String, Object> any = table("x-match", "any", "h", null, "k", 1);
        assertThat(HeadersMatch.matches(any, table("h", 5))).isTrue();
        assertThat(HeadersMatch.matches(any, table("j", 5))).isFalse();
        assertThat(valuesMatch(1, null)).as("a void header does not equal a value").isFalse();
    }

    /** Erlang integers have no width: 1 is 1 whichever AMQP integer type carried it. */
    @Test
    void integersAreEqualAcrossWidths() {
        assertThat(valuesMatch((byte) 1, 1L)).isTrue();
        assertThat(valuesMatch(1, (short) 1)).isTrue();
        assertThat(valuesMatch(Long.MAX_VALUE, Long.MAX_VALUE)).isTrue();
        assertThat(valuesMatch(-7, -7L)).isTrue();
        assertThat(valuesMatch(1L, 2)).isFalse();
        assertThat(valuesMatch(4_294_967_296L, 0)).as("no truncation").isFalse();
    }

    /** RabbitMQ compares with =:=, under which an integer never equals a float; floats compare as doubles. */
    @Test
    void floatingPointValuesCompareAsDoublesAndNeverEqualIntegers() {
        assertThat(valuesMatch(1, 1.0)).isFalse();
        assertThat(valuesMatch(1.0f, 1L)).isFalse();
        assertThat(valuesMatch(1.5f, 1.5)).isTrue();
        assertThat(valuesMatch(2.25, 2.25)).isTrue();
        assertThat(valuesMatch(0.1f, 0.1)).as("0.1f widened is not 0.1").isFalse();
        assertThat(valuesMatch(new BigDecimal("1.0"), new BigDecimal("1.0"))).isTrue();
        assertThat(valuesMatch(new BigDecimal("1.0"), new BigDecimal("1.00"))).as("the scale counts").isFalse();
        assertThat(valuesMatch(new BigDecimal("1"), 1)).isFalse();
    }

    @Test
    void byteArraysCompareByContentAndEqualTheirUtf8String() {
        assertThat(valuesMatch(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
        assertThat(valuesMatch(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
        assertThat(valuesMatch("café", "café".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(valuesMatch("café".getBytes(StandardCharsets.UTF_8), "café")).isTrue();
        assertThat(valuesMatch("cafe", "café".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void otherValuesCompareWithEquals() {
        assertThat(valuesMatch("pdf", "pdf")).isTrue();
        assertThat(valuesMatch("pdf", "PDF")).isFalse();
        assertThat(valuesMatch(true, true)).isTrue();
        assertThat(valuesMatch(true, "true")).isFalse();
        assertThat(valuesMatch(true, 1)).isFalse();
        assertThat(valuesMatch(new Date(1_700_000_000_000L), new Date(1_700_000_000_000L))).isTrue();
        assertThat(valuesMatch(new Date(1_700_000_000_000L), 1_700_000_000L)).isFalse();
    }

    /** Inside arrays and tables RabbitMQ compares tagged values, so there the type counts. */
    @Test
    void nestedValuesMustAlsoAgreeInType() {
        assertThat(valuesMatch(List.of(1, "a"), List.of(1, "a"))).isTrue();
        assertThat(valuesMatch(List.of(1), List.of(1L))).isFalse();
        assertThat(valuesMatch(List.of(1), List.of(1, 2))).isFalse();
        assertThat(valuesMatch(List.of(new byte[] {7}), List.of(new byte[] {7}))).isTrue();
        assertThat(valuesMatch(List.of("a"), List.of("a".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(valuesMatch(table("k", new byte[] {7}, "j", List.of(true)), table("j", List.of(true), "k",
            new byte[] {7}))).as("tables compare as maps").isTrue();
        assertThat(valuesMatch(table("k", 1), table("k", 1L))).isFalse();
        assertThat(valuesMatch(table("k", 1), table("k", 1, "j", 2))).isFalse();
        assertThat(valuesMatch(table("k", null), table("k", null))).isTrue();
    }

    @Test
    void validateAcceptsTheFourRulesAndAnAbsentOne() {
        for (String rule : List.of("all", "any", "all-with-x", "any-with-x")) {
            assertThatCode(() -> HeadersMatch.validate(table("x-match", rule, "h", 1))).doesNotThrowAnyException();
        }
        assertThatCode(() -> HeadersMatch.validate(table("h", 1))).doesNotThrowAnyException();
        assertThatCode(() -> HeadersMatch.validate(table())).doesNotThrowAnyException();
        assertThatCode(() -> HeadersMatch.validate(null)).doesNotThrowAnyException();
    }

    @Test
    void validateRefusesOtherValuesWithRabbitMqsMessage() {
        assertThatThrownBy(() -> HeadersMatch.validate(table("x-match", "bogus")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Invalid x-match field value \"bogus\"; expected all, any, all-with-x, or any-with-x");
        assertThatThrownBy(() -> HeadersMatch.validate(table("x-match", "ALL")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("\"ALL\"");
        assertThatThrownBy(() -> HeadersMatch.validate(table("x-match", 5)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Invalid x-match field type Integer (value 5); expected longstr");
        assertThatThrownBy(() -> HeadersMatch.validate(table("x-match", null)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Invalid x-match field type void (value null); expected longstr");
    }
}
