package io.wharf.broker.routing;

import java.util.Arrays;

/**
 * A thread's working space for one {@link TopicTrie} match: the nodes whose filter matched and, when more than one
 * did, the destinations already reported, so that a destination bound by two matching filters is reported once. It
 * is reused across matches, so routing a message allocates nothing once the thread's scratch has grown to its
 * working size.
 *
 * <p>Re-entrancy: a sink may route again on the same thread (an AMQP exchange bound to another exchange). A match
 * takes the first free scratch in its thread's chain, so a nested match gets a scratch of its own, and a scratch is
 * never used by two matches at once.
 *
 * <p>Memory: {@link #release()} clears every reference, so the scratch never keeps a destination or a node alive; a
 * table grown by one exceptional match beyond {@link #KEPT_SLOTS} is dropped rather than kept and cleared forever.
 *
 * <p>Thread-safety: confined to its thread; {@link #acquire()} is the only way to get one.
 */
final class MatchScratch {
    private static final ThreadLocal<MatchScratch> FIRST = ThreadLocal.withInitial(MatchScratch::new);
    static final int KEPT_SLOTS = 1 << 12;
    private static final int INITIAL_SLOTS = 16;

    private TopicNode<?>[] found = new TopicNode<?>[8];
    private int foundCount;
    /** Open addressing, linear probing; null is empty. Holds destinations reported so far. */
    private Object[] seen = new Object[INITIAL_SLOTS];
    private int seenCount;
    private boolean busy;
    private MatchScratch next;

    private MatchScratch() {
    }

    static MatchScratch acquire() {
        MatchScratch scratch = FIRST.get();
        while (scratch.busy) {
            if (scratch.next == null) {
                scratch.next = new MatchScratch();
            }
            scratch = scratch.next;
        }
        scratch.busy = true;
        return scratch;
    }

    void release() {
        Arrays.fill(found, 0, foundCount, null);
        foundCount = 0;
        if (seen.length > KEPT_SLOTS) {
            seen = new Object[INITIAL_SLOTS];
        } else if (seenCount > 0) {
            Arrays.fill(seen, null);
        }
        seenCount = 0;
        busy = false;
    }

    /**
     * Records that {@code node}'s filter matched. A node reachable only one way is recorded without a search; one
     * reachable two ways is searched for first, which costs a scan of the nodes found so far.
     */
    void found(TopicNode<?> node) {
        if (node.reachableTwice) {
            for (int i = 0; i < foundCount; i++) {
                if (found[i] == node) {
                    return;
                }
            }
        }
        if (foundCount == found.length) {
            found = Arrays.copyOf(found, foundCount * 2);
        }
        found[foundCount++] = node;
    }

    int foundCount() { return foundCount; }

    TopicNode<?> found(int index) { return found[index]; }

    /** Whether {@code destination} is reported for the first time in this match; records it if so. */
    boolean firstSight(Object destination) {
        if ((seenCount + 1) * 2 > seen.length) {
            grow();
        }
        int mask = seen.length - 1;
        for (int i = spread(destination.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object slot = seen[i];
            if (slot == null) {
                seen[i] = destination;
                seenCount++;
                return true;
            }
            if (slot.equals(destination)) {
                return false;
            }
        }
    }

    private void grow() {
        Object[] old = seen;
        seen = new Object[old.length * 2];
        int mask = seen.length - 1;
        for (Object destination : old) {
            if (destination != null) {
                int i = spread(destination.hashCode()) & mask;
                while (seen[i] != null) {
                    i = (i + 1) & mask;
                }
                seen[i] = destination;
            }
        }
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
