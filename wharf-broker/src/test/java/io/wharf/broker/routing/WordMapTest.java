package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Word lookups by region, through growth, removal from any place in a chain, and shrinking. */
class WordMapTest {

    @Test
    void findsAWordByARegionOfATopic() {
        WordMap<String> map = new WordMap<>();
        map.put("tennis", "T");
        map.put("", "EMPTY");
        String topic = "sport.tennis..x";
        assertThat(map.get(topic, 6, 12)).isEqualTo("T");
        assertThat(map.get(topic, 13, 13)).isEqualTo("EMPTY");
        assertThat(map.get(topic, 0, 5)).isNull();
        assertThat(map.get(topic, 6, 11)).as("a prefix of a word is another word").isNull();
        assertThat(map.get("tennis")).isEqualTo("T");
    }

    @Test
    void keepsEveryWordThroughGrowthAndRemoval() {
        WordMap<Integer> map = new WordMap<>();
        int words = 2_000;
        for (int i = 0; i < words; i++) {
            map.put("w" + i, i);
        }
        assertThat(map.size()).isEqualTo(words);
        for (int i = 0; i < words; i++) {
            assertThat(map.get("w" + i)).isEqualTo(i);
        }
        for (int i = 0; i < words; i += 2) {
            assertThat(map.remove("w" + i)).isTrue();
        }
        assertThat(map.remove("w0")).as("already removed").isFalse();
        assertThat(map.remove("absent")).isFalse();
        assertThat(map.size()).isEqualTo(words / 2);
        for (int i = 0; i < words; i++) {
            assertThat(map.get("w" + i)).isEqualTo(i % 2 == 0 ? null : i);
        }
    }

    @Test
    void emptiesCompletelyAndRefills() {
        WordMap<String> map = new WordMap<>();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get("x")).isNull();
        assertThat(map.remove("x")).isFalse();
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, "v" + i);
        }
        for (int i = 0; i < 100; i++) {
            map.remove("k" + i);
        }
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get("k1")).isNull();
        map.put("k1", "again");
        assertThat(map.get("k1")).isEqualTo("again");
    }

    /** Words that String.hashCode maps to one value must still be told apart. */
    @Test
    void distinguishesWordsThatCollideUnderStringHashCode() {
        WordMap<String> map = new WordMap<>();
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        map.put("Aa", "first");
        map.put("BB", "second");
        map.put("AaBB", "third");
        map.put("BBAa", "fourth");
        assertThat(map.get("Aa")).isEqualTo("first");
        assertThat(map.get("BB")).isEqualTo("second");
        assertThat(map.get("AaBB")).isEqualTo("third");
        assertThat(map.get("BBAa")).isEqualTo("fourth");
        assertThat(map.remove("BB")).isTrue();
        assertThat(map.get("Aa")).isEqualTo("first");
        assertThat(map.get("BB")).isNull();
    }
}
