package io.wharf.broker.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Routes a topic to the destinations whose filters match it: the bindings of an AMQP topic exchange, the
 * subscriptions of MQTT sessions. A trie of words (see {@link TopicSyntax} for what a word and a wildcard are, per
 * protocol); each node is one filter and holds the destinations bound with it. Destinations are compared with
 * {@code equals} and {@code hashCode}.
 *
 * <p>Matching walks the topic by index and looks literal words up by region ({@link WordMap}), so it cuts no
 * substrings. A topic matching only one filter — the common case, exact filters — reports that filter's destinations
 * straight from its array. When several filters match, a destination bound by more than one of them is reported
 * once, deduplicated in a per-thread reusable table ({@link MatchScratch}); in neither case does a match allocate
 * once the thread's scratch has grown to its working size. Cost: a word lookup per topic word per live branch. A
 * multi-word wildcard tries every split of the remaining words; consecutive ones ({@code #.#}) are collapsed and a
 * terminal one ({@code a.#}, every MQTT {@code #}) costs nothing, but a binding key with {@code k} multi-word
 * wildcards separated by other words still costs up to about {@code n^k} steps on an {@code n}-word routing key, as
 * in RabbitMQ.
 *
 * <p>Thread-safety: {@code match} and {@code matchPairs} are lock-free and may run on any number of threads at once,
 * concurrently with writers. Writers ({@code add}, {@code remove}, {@code removeAll}) serialise on one lock among
 * themselves; a reader never waits for it, so readers cannot be starved and cannot starve writers. A match that runs
 * concurrently with a write sees each pair the write touches either present or absent, and sees every pair that
 * stays bound throughout the match. Sinks run on the matching thread, with no lock held, and may match again.
 */
public final class TopicTrie<D> {
    /**
     * The deepest filter accepted. Matching recurses once per word, so depth bounds its stack; 256 words admits every
     * AMQP binding key (a shortstr of at most 255 bytes) and twice the levels EMQX allows an MQTT filter by default.
     */
    public static final int MAX_FILTER_WORDS = 256;
    /** A word position meaning "no words left": the topic is consumed, or it is the empty AMQP routing key. */
    private static final int END = -1;

    private final TopicSyntax syntax;
    private final TopicNode<D> root = new TopicNode<>(0);
    private final Object writeLock = new Object();
    /** Every filter each destination is bound with, for {@link #removeAll}. Guarded by writeLock. */
    private final Map<D, Set<String>> filtersByDestination = new HashMap<>();
    private volatile int size;

    public TopicTrie(TopicSyntax syntax) {
        this.syntax = Objects.requireNonNull(syntax, "syntax");
    }

    public TopicSyntax syntax() { return syntax; }

    /**
     * Binds {@code destination} with {@code filter}; false if that exact pair was already bound.
     *
     * @throws IllegalArgumentException if the syntax refuses the filter, or it has more than
     *     {@link #MAX_FILTER_WORDS} words
     */
    public boolean add(String filter, D destination) {
        Objects.requireNonNull(destination, "destination");
        syntax.validateFilter(filter);
        List<String> words = syntax.words(filter);
        if (words.size() > MAX_FILTER_WORDS) {
            throw new IllegalArgumentException("Filter '" + filter + "' has " + words.size() + " words; at most "
                + MAX_FILTER_WORDS + " are supported");
        }
        synchronized (writeLock) {
            TopicNode<D> node = root;
            for (String word : words) {
                node = childForAdd(node, word);
            }
            FilterBindings<D> bindings = node.bindings;
            if (bindings == null) {
                bindings = new FilterBindings<>(filter);
                node.bindings = bindings;
            }
            if (!bindings.add(destination)) {
                return false;
            }
            filtersByDestination.computeIfAbsent(destination, d -> new HashSet<>()).add(filter);
            size = size + 1;
            return true;
        }
    }

    /** Unbinds the pair; false if it was not bound. Nodes left with neither a binding nor a child are pruned. */
    public boolean remove(String filter, D destination) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(destination, "destination");
        synchronized (writeLock) {
            if (!unbind(filter, destination)) {
                return false;
            }
            Set<String> filters = filtersByDestination.get(destination);
            filters.remove(filter);
            if (filters.isEmpty()) {
                filtersByDestination.remove(destination);
            }
            return true;
        }
    }

    /** Unbinds every filter of {@code destination}; returns how many pairs were removed. */
    public int removeAll(D destination) {
        Objects.requireNonNull(destination, "destination");
        synchronized (writeLock) {
            Set<String> filters = filtersByDestination.remove(destination);
            if (filters == null) {
                return 0;
            }
            for (String filter : filters) {
                unbind(filter, destination);
            }
            return filters.size();
        }
    }

    public boolean isEmpty() { return size == 0; }

    /** The number of (filter, destination) pairs bound. */
    public int size() { return size; }

    /** Calls {@code sink} once per distinct destination bound with a filter that matches {@code topic}. */
    public void match(String topic, Consumer<? super D> sink) {
        Objects.requireNonNull(sink, "sink");
        MatchScratch scratch = MatchScratch.acquire();
        try {
            collect(topic, scratch);
            int found = scratch.foundCount();
            if (found == 1) {
                // One filter: its destinations are distinct already.
                FilterBindings.Slots slots = slotsOf(scratch.found(0));
                for (int i = 0; i < slots.used; i++) {
                    Object destination = slots.array[i];
                    if (destination != null) {
                        sink.accept(cast(destination));
                    }
                }
                return;
            }
            for (int n = 0; n < found; n++) {
                FilterBindings.Slots slots = slotsOf(scratch.found(n));
                for (int i = 0; i < slots.used; i++) {
                    Object destination = slots.array[i];
                    if (destination != null && scratch.firstSight(destination)) {
                        sink.accept(cast(destination));
                    }
                }
            }
        } finally {
            scratch.release();
        }
    }

    /** The distinct destinations matching {@code topic}, collected (tests and cold paths: it allocates). */
    public Set<D> match(String topic) {
        Set<D> destinations = new HashSet<>();
        match(topic, destinations::add);
        return destinations;
    }

    /**
     * Calls {@code sink} once per bound (filter, destination) pair whose filter matches {@code topic}: a destination
     * bound by two matching filters is reported with each (MQTT delivers per subscription, with its own options).
     */
    public void matchPairs(String topic, BiConsumer<String, ? super D> sink) {
        Objects.requireNonNull(sink, "sink");
        MatchScratch scratch = MatchScratch.acquire();
        try {
            collect(topic, scratch);
            for (int n = 0; n < scratch.foundCount(); n++) {
                FilterBindings<D> bindings = bindingsOf(scratch.found(n));
                if (bindings == null) {
                    continue;
                }
                FilterBindings.Slots slots = bindings.slots();
                for (int i = 0; i < slots.used; i++) {
                    Object destination = slots.array[i];
                    if (destination != null) {
                        sink.accept(bindings.filter(), cast(destination));
                    }
                }
            }
        } finally {
            scratch.release();
        }
    }

    // ---- matching: lock-free, allocation-free ----

    private void collect(String topic, MatchScratch scratch) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() && syntax.emptyHasNoWords()) {
            walk(root, topic, END, false, scratch);
        } else if (syntax.hidesDollarTopics() && topic.startsWith("$")) {
            // [MQTT-4.7.2-1]: only a filter whose first level is literal can match a topic starting with '$'.
            int end = wordEnd(topic, 0);
            TopicNode<D> child = root.words.get(topic, 0, end);
            if (child != null) {
                walk(child, topic, nextWord(topic, end), false, scratch);
            }
        } else {
            walk(root, topic, 0, false, scratch);
        }
    }

    /**
     * Matches the words of {@code topic} from {@code position} below {@code node}. {@code anyWordsCovered} says that
     * the node's multi-word child was already tried from an earlier position, which covers every later one.
     */
    private void walk(TopicNode<D> node, String topic, int position, boolean anyWordsCovered, MatchScratch scratch) {
        if (position == END) {
            if (node.bindings != null) {
                scratch.found(node);
            }
            TopicNode<D> any = node.anyWords;
            if (any != null && !anyWordsCovered) {
                walk(any, topic, END, false, scratch); // '#' matching zero words
            }
            return;
        }
        if (node.isLeaf()) {
            return;
        }
        int end = wordEnd(topic, position);
        int next = nextWord(topic, end);
        TopicNode<D> exact = node.words.get(topic, position, end);
        if (exact != null) {
            walk(exact, topic, next, false, scratch);
        }
        TopicNode<D> one = node.oneWord;
        if (one != null) {
            walk(one, topic, next, false, scratch);
        }
        TopicNode<D> any = node.anyWords;
        if (any != null && !anyWordsCovered) {
            walkAnyWords(any, topic, position, scratch);
        }
    }

    /** {@code node} is reached by a multi-word wildcard, which may consume any number of words from {@code position}. */
    private void walkAnyWords(TopicNode<D> node, String topic, int position, MatchScratch scratch) {
        if (node.isLeaf()) {
            // A terminal '#' consumes the rest of the topic, whatever it is.
            if (node.bindings != null) {
                scratch.found(node);
            }
            return;
        }
        for (int p = position; ; p = nextWord(topic, wordEnd(topic, p))) {
            walk(node, topic, p, p != position, scratch);
            if (p == END) {
                return;
            }
        }
    }

    private int wordEnd(String topic, int position) {
        int end = topic.indexOf(syntax.separator(), position);
        return end < 0 ? topic.length() : end;
    }

    private static int nextWord(String topic, int wordEnd) {
        return wordEnd == topic.length() ? END : wordEnd + 1;
    }

    private static <D> FilterBindings<D> bindingsOf(TopicNode<?> node) {
        @SuppressWarnings("unchecked")
        TopicNode<D> typed = (TopicNode<D>) node;
        return typed.bindings;
    }

    /** A node's current view, read once: the walk saw bindings, but a writer may have emptied them since. */
    private static FilterBindings.Slots slotsOf(TopicNode<?> node) {
        FilterBindings<?> bindings = node.bindings;
        return bindings == null ? FilterBindings.Slots.EMPTY : bindings.slots();
    }

    @SuppressWarnings("unchecked")
    private D cast(Object destination) {
        return (D) destination;
    }

    // ---- writing: under writeLock ----

    private TopicNode<D> childForAdd(TopicNode<D> node, String word) {
        if (syntax.isOneWord(word)) {
            if (node.oneWord == null) {
                node.oneWord = new TopicNode<>(node.anyWordsOnPath);
            }
            return node.oneWord;
        }
        if (syntax.isAnyWords(word)) {
            if (node.anyWords == null) {
                node.anyWords = new TopicNode<>(node.anyWordsOnPath + 1);
            }
            return node.anyWords;
        }
        TopicNode<D> child = node.words.get(word);
        if (child == null) {
            child = new TopicNode<>(node.anyWordsOnPath);
            node.words.put(word, child);
        }
        return child;
    }

    private TopicNode<D> childForRemove(TopicNode<D> node, String word) {
        if (syntax.isOneWord(word)) {
            return node.oneWord;
        }
        if (syntax.isAnyWords(word)) {
            return node.anyWords;
        }
        return node.words.get(word);
    }

    /** Removes the pair from its node and prunes the path; the caller keeps filtersByDestination. */
    private boolean unbind(String filter, D destination) {
        List<String> words = syntax.words(filter);
        List<TopicNode<D>> path = new ArrayList<>(words.size() + 1);
        TopicNode<D> node = root;
        path.add(node);
        for (String word : words) {
            node = childForRemove(node, word);
            if (node == null) {
                return false;
            }
            path.add(node);
        }
        FilterBindings<D> bindings = node.bindings;
        if (bindings == null || !bindings.remove(destination)) {
            return false;
        }
        if (bindings.isEmpty()) {
            node.bindings = null;
        }
        size = size - 1;
        for (int i = words.size(); i > 0 && path.get(i).isUnused(); i--) {
            unlink(path.get(i - 1), words.get(i - 1));
        }
        return true;
    }

    private void unlink(TopicNode<D> parent, String word) {
        if (syntax.isOneWord(word)) {
            parent.oneWord = null;
        } else if (syntax.isAnyWords(word)) {
            parent.anyWords = null;
        } else {
            parent.words.remove(word);
        }
    }

    /** How many nodes the trie holds, the root included; for tests of pruning. */
    int nodeCount() {
        synchronized (writeLock) {
            return nodesBelow(root);
        }
    }

    private static int nodesBelow(TopicNode<?> node) {
        int[] count = {1};
        node.words.forEachValue(child -> count[0] += nodesBelow(child));
        if (node.oneWord != null) {
            count[0] += nodesBelow(node.oneWord);
        }
        if (node.anyWords != null) {
            count[0] += nodesBelow(node.anyWords);
        }
        return count[0];
    }

    @Override
    public String toString() {
        return "TopicTrie(" + syntax + ", " + size + " bindings)";
    }
}
