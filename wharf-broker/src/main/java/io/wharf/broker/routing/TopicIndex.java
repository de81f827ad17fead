package io.wharf.broker.routing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The reverse of {@link TopicTrie}: topics are stored, each with one value, and a filter finds every stored topic
 * it matches — what retained messages need on SUBSCRIBE. A tree of words ({@link TopicSyntax}); a topic's value
 * sits on the node its last word leads to, and that node also keeps the topic itself so that a match need not
 * rebuild it. Wildcards follow the syntax: one-word wildcards take every child, a multi-word wildcard every
 * descendant and the node itself ({@code a/#} matches {@code a}); under MQTT a filter whose first word is a
 * wildcard skips topics starting with {@code $} [MQTT-4.7.2-1].
 *
 * <p>Cost: one node per distinct word prefix — about 150 bytes for a leaf (the node, its entry in the parent's
 * map, the word) plus the topic string; the children map is made on the first child. A match is iterative (a
 * topic may have thousands of levels) and visits only the branches the filter allows.
 *
 * <p>Not thread-safe: the owner serialises every call.
 */
public final class TopicIndex<V> {
    private static final class Node<V> {
        Map<String, Node<V>> children;
        String topic;
        V value;

        boolean isEmpty() { return value == null && (children == null || children.isEmpty()); }
    }

    /** A place in the walk: a node, and the filter word it is to match next. */
    private record Step<V>(Node<V> node, int word) {
    }

    private final TopicSyntax syntax;
    private final Node<V> root = new Node<>();
    private int size;

    public TopicIndex(TopicSyntax syntax) {
        this.syntax = Objects.requireNonNull(syntax, "syntax");
    }

    /** Stores {@code value} for {@code topic}; returns the value it replaced, or null. */
    public V put(String topic, V value) {
        Objects.requireNonNull(value, "value");
        Node<V> node = root;
        for (String word : syntax.words(topic)) {
            if (node.children == null) node.children = new HashMap<>(4);
            node = node.children.computeIfAbsent(word, w -> new Node<>());
        }
        V old = node.value;
        node.value = value;
        node.topic = topic;
        if (old == null) size++;
        return old;
    }

    public V get(String topic) {
        Node<V> node = root;
        for (String word : syntax.words(topic)) {
            node = node.children == null ? null : node.children.get(word);
            if (node == null) return null;
        }
        return node.value;
    }

    /** Removes the topic's value; returns it, or null. Nodes left empty are pruned. */
    public V remove(String topic) {
        List<String> words = syntax.words(topic);
        Node<V>[] path = newPath(words.size() + 1);
        path[0] = root;
        for (int i = 0; i < words.size(); i++) {
            Node<V> parent = path[i];
            Node<V> next = parent.children == null ? null : parent.children.get(words.get(i));
            if (next == null) return null;
            path[i + 1] = next;
        }
        Node<V> node = path[words.size()];
        V old = node.value;
        if (old == null) return null;
        node.value = null;
        node.topic = null;
        size--;
        for (int i = words.size(); i > 0 && path[i].isEmpty(); i--) path[i - 1].children.remove(words.get(i - 1));
        return old;
    }

    /** Topics stored. */
    public int size() { return size; }

    public boolean isEmpty() { return size == 0; }

    /**
     * Calls {@code sink} once with each stored topic {@code filter} matches, and its value. The sink must not
     * change this index.
     */
    public void match(String filter, BiConsumer<String, ? super V> sink) {
        List<String> words = syntax.words(filter);
        // A multi-word wildcard before the last word can reach one topic along several paths: report it once.
        boolean mayRepeat = false;
        for (int i = 0; i < words.size() - 1; i++) mayRepeat |= syntax.isAnyWords(words.get(i));
        Map<String, V> seen = mayRepeat ? new LinkedHashMap<>() : null;
        ArrayDeque<Step<V>> todo = new ArrayDeque<>();
        todo.push(new Step<>(root, 0));
        while (!todo.isEmpty()) {
            Step<V> step = todo.pop();
            Node<V> node = step.node();
            int i = step.word();
            if (i == words.size()) {
                if (node.value != null) {
                    if (seen != null) seen.putIfAbsent(node.topic, node.value);
                    else sink.accept(node.topic, node.value);
                }
                continue;
            }
            String word = words.get(i);
            boolean wildcard = syntax.isAnyWords(word) || syntax.isOneWord(word);
            boolean hideDollar = wildcard && i == 0 && syntax.hidesDollarTopics();
            if (syntax.isAnyWords(word)) {
                todo.push(new Step<>(node, i + 1)); // zero words
                if (node.children != null) {
                    for (Map.Entry<String, Node<V>> c : node.children.entrySet()) {
                        if (!(hideDollar && node == root && c.getKey().startsWith("$"))) todo.push(new Step<>(c.getValue(), i));
                    }
                }
            } else if (syntax.isOneWord(word)) {
                if (node.children != null) {
                    for (Map.Entry<String, Node<V>> c : node.children.entrySet()) {
                        if (!(hideDollar && c.getKey().startsWith("$"))) todo.push(new Step<>(c.getValue(), i + 1));
                    }
                }
            } else {
                Node<V> child = node.children == null ? null : node.children.get(word);
                if (child != null) todo.push(new Step<>(child, i + 1));
            }
        }
        if (seen != null) seen.forEach(sink);
    }

    /** Calls {@code sink} with every stored topic and its value, in no particular order; it must not change this index. */
    public void forEach(BiConsumer<String, ? super V> sink) {
        ArrayDeque<Node<V>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<V> node = todo.pop();
            if (node.value != null) sink.accept(node.topic, node.value);
            if (node.children != null) node.children.values().forEach(todo::push);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> Node<V>[] newPath(int length) {
        return (Node<V>[]) new Node<?>[length];
    }
}
