package io.wharf.broker.routing;

/**
 * One node of a {@link TopicTrie}: the filters that share a prefix of words. Literal next words are children in a
 * {@link WordMap}; the two wildcards, being the same word in every filter, are plain fields. The node holds the
 * destinations of the one filter that ends here, if any.
 *
 * <p>A node stands for exactly one filter (its path from the root), so a topic that matches the filter reaches the
 * node once per way the filter can match it. That is once unless the path holds two or more multi-word wildcards
 * ({@code #.a.#} matches {@code a.a} two ways), which {@link #reachableTwice} records for the walk's bookkeeping.
 *
 * <p>Thread-safety: fields are read lock-free by matching threads and written only under the trie's write lock.
 * A node is never replaced while it has a binding or a descendant, so the path to a binding that stays bound is
 * stable for every reader.
 */
final class TopicNode<D> {
    final WordMap<TopicNode<D>> words = new WordMap<>();
    volatile TopicNode<D> oneWord;
    volatile TopicNode<D> anyWords;
    /** Null while no filter ends at this node. */
    volatile FilterBindings<D> bindings;
    /** How many multi-word wildcards the path from the root holds. */
    final int anyWordsOnPath;
    final boolean reachableTwice;

    TopicNode(int anyWordsOnPath) {
        this.anyWordsOnPath = anyWordsOnPath;
        this.reachableTwice = anyWordsOnPath >= 2;
    }

    /** No child of any kind: nothing below this node can match. */
    boolean isLeaf() {
        return oneWord == null && anyWords == null && words.isEmpty();
    }

    /** Neither a child nor a binding: the node can be unlinked from its parent. */
    boolean isUnused() {
        return bindings == null && isLeaf();
    }
}
