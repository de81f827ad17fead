package io.wharf.broker.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * How a protocol cuts a topic into words and which words of a filter are wildcards. A wildcard is always a whole
 * word: {@code a*} or {@code sp+rt} is never a wildcard (AMQP reads it as a literal word, MQTT refuses the filter).
 *
 * <p>{@link #AMQP} — AMQP 0-9-1 topic exchanges as RabbitMQ routes them. Words are separated by {@code .}; {@code *}
 * matches exactly one word and {@code #} zero or more, anywhere in the binding key. The AMQP 0-9-1 specification says
 * a routing key "MUST consist of zero or more words"; RabbitMQ's {@code split_topic_key}
 * ({@code rabbit_db_topic_exchange.erl}) reads the empty key as <em>zero</em> words and keeps empty words elsewhere
 * ({@code a..b} is {@code a}, {@code ""}, {@code b}; {@code a.} is {@code a}, {@code ""}), and RabbitMQ PR #16271
 * (4.3.1) confirms empty routing and binding keys mean zero words. Hence: {@code #} and the empty binding key match
 * the empty routing key, {@code *} does not; {@code a.*.b} matches {@code a..b}; {@code a.*} matches {@code a.} but
 * not {@code a}. RabbitMQ accepts any string as a binding key, so AMQP validates nothing.
 *
 * <p>{@link #MQTT} — MQTT 3.1.1 and 5.0 §4.7. Levels are separated by {@code /} and a topic has one level more than it
 * has separators (so {@code sport/} has an empty second level). {@code +} matches exactly one level, which may be
 * empty; {@code #} matches the parent level and any number of levels below it ({@code sport/#} matches
 * {@code sport}, {@code sport/} and {@code sport/tennis/x}). {@code #} must be the last character of a filter and
 * alone in its level [MQTT-4.7.1-2]; {@code +} must occupy a whole level [MQTT-4.7.1-3]. A topic whose name starts
 * with {@code $} is not matched by a filter whose first level is a wildcard [MQTT-4.7.2-1]. Filters and topic names
 * are at least one character long [MQTT-4.7.3-1] and never contain U+0000 [MQTT-4.7.3-2]; topic names contain no
 * wildcard [MQTT-4.7.1-1]. A shared subscription ({@code $share/group/filter}) is the protocol layer's to unwrap:
 * here it is just a filter whose first level is {@code $share}.
 *
 * <p>Thread-safety: immutable.
 */
public enum TopicSyntax {
    AMQP('.', "*", "#") {
        @Override
        public void validateFilter(String filter) {
            // RabbitMQ binds any string; '#' and '*' inside a word are literal characters.
        }

        @Override
        public void validateTopic(String topic) {
            // Any routing key is routable.
        }

        @Override
        boolean emptyHasNoWords() { return true; }

        @Override
        boolean hidesDollarTopics() { return false; }
    },

    MQTT('/', "+", "#") {
        @Override
        public void validateFilter(String filter) {
            requireNamed(filter, "filter");
            int length = filter.length();
            for (int i = 0; i < length; i++) {
                char c = filter.charAt(i);
                boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
                boolean levelEnd = i == length - 1 || filter.charAt(i + 1) == '/';
                if (c == '#' && !(levelStart && i == length - 1)) {
                    throw invalid(filter, "filter", "'#' must be alone in the last level [MQTT-4.7.1-2]");
                }
                if (c == '+' && !(levelStart && levelEnd)) {
                    throw invalid(filter, "filter", "'+' must occupy an entire level [MQTT-4.7.1-3]");
                }
            }
        }

        @Override
        public void validateTopic(String topic) {
            requireNamed(topic, "topic name");
            for (int i = 0; i < topic.length(); i++) {
                char c = topic.charAt(i);
                if (c == '#' || c == '+') {
                    throw invalid(topic, "topic name", "a topic name must not contain '" + c + "' [MQTT-4.7.1-1]");
                }
            }
        }

        @Override
        boolean emptyHasNoWords() { return false; }

        @Override
        boolean hidesDollarTopics() { return true; }

        private void requireNamed(String name, String what) {
            if (name.isEmpty()) {
                throw invalid(name, what, "it must be at least one character long [MQTT-4.7.3-1]");
            }
            if (name.indexOf('\u0000') >= 0) {
                throw invalid(name, what, "it must not contain U+0000 [MQTT-4.7.3-2]");
            }
        }

        private IllegalArgumentException invalid(String name, String what, String rule) {
            return new IllegalArgumentException("Invalid MQTT topic " + what + " '" + name + "': " + rule);
        }
    };

    private final char separator;
    private final String oneWord;
    private final String anyWords;

    TopicSyntax(char separator, String oneWord, String anyWords) {
        this.separator = separator;
        this.oneWord = oneWord;
        this.anyWords = anyWords;
    }

    /**
     * Refuses a filter (binding key, subscription) this syntax cannot bind, with a message naming the filter and the
     * rule it breaks.
     *
     * @throws IllegalArgumentException for an invalid filter
     */
    public abstract void validateFilter(String filter);

    /**
     * Refuses a topic (routing key, topic name) a publisher may not use. Routing never validates: a protocol layer
     * calls this where its specification wants the publish refused.
     *
     * @throws IllegalArgumentException for an invalid topic
     */
    public abstract void validateTopic(String topic);

    /** The character between two words. */
    public char separator() { return separator; }

    /** The word that matches exactly one word: {@code *} or {@code +}. */
    public String oneWordWildcard() { return oneWord; }

    /** The word that matches zero or more words: {@code #}. */
    public String anyWordsWildcard() { return anyWords; }

    /** Whether the empty string has zero words (AMQP) rather than one empty word (MQTT). */
    abstract boolean emptyHasNoWords();

    /** Whether a topic starting with {@code $} escapes filters whose first word is a wildcard. */
    abstract boolean hidesDollarTopics();

    boolean isOneWord(String word) { return word.equals(oneWord); }

    boolean isAnyWords(String word) { return word.equals(anyWords); }

    /** The words of {@code text}, empty words kept; for writers, which may allocate (routing walks by index). */
    List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text.isEmpty() && emptyHasNoWords()) {
            return words;
        }
        int start = 0;
        while (true) {
            int end = text.indexOf(separator, start);
            if (end < 0) {
                words.add(text.substring(start));
                return words;
            }
            words.add(text.substring(start, end));
            start = end + 1;
        }
    }
}
