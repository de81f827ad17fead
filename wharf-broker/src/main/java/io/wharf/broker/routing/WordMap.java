package io.wharf.broker.routing;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The literal-word children of one {@link TopicNode}: a chained hash table from a word to a value, looked up by a
 * region of a topic string, so that routing a message never cuts its topic into substrings.
 *
 * <p>Invariants: entries are immutable and a chain is never edited in place. An insert publishes a new entry at the
 * head of its bucket, a removal publishes a copy of the chain's prefix without the entry, a resize publishes a new
 * table. A reader holding an old table or an old chain therefore still finds every word that stayed present during
 * its lookup, and never sees a half-built entry.
 *
 * <p>The hash is FNV-1a over the word's UTF-16 chars from a random per-JVM basis, not {@link String#hashCode}:
 * filters come from clients, and words that collide under {@code String.hashCode} are trivial to produce
 * ({@code "Aa"}, {@code "BB"}), which would let one client turn a bucket into a long list every publish walks.
 *
 * <p>Thread-safety: {@link #get(String, int, int)} and {@link #isEmpty()} are lock-free and may run concurrently with
 * anything; {@link #put} and {@link #remove} must be serialised by the caller (the owning trie's write lock).
 */
final class WordMap<V> {
    private static final int BASIS = new SecureRandom().nextInt();
    private static final int FNV_PRIME = 0x01000193;
    private static final int MIN_CAPACITY = 4;

    private static final class Entry<V> {
        final String word;
        final int hash;
        final V value;
        final Entry<V> next;

        Entry(String word, int hash, V value, Entry<V> next) {
            this.word = word;
            this.hash = hash;
            this.value = value;
            this.next = next;
        }
    }

    /** Null until the first put: most trie nodes are leaves and never need a table. */
    private volatile AtomicReferenceArray<Entry<V>> table;
    /** Written by the writer only; volatile so that readers asking {@link #isEmpty()} see removals promptly. */
    private volatile int size;

    static int hash(CharSequence text, int start, int end) {
        int h = BASIS;
        for (int i = start; i < end; i++) {
            h = (h ^ text.charAt(i)) * FNV_PRIME;
        }
        return h ^ (h >>> 16);
    }

    /** The value for the word {@code topic[start, end)}, or null. Lock-free and allocation-free. */
    V get(String topic, int start, int end) {
        AtomicReferenceArray<Entry<V>> t = table;
        if (t == null) {
            return null;
        }
        int length = end - start;
        int h = hash(topic, start, end);
        for (Entry<V> e = t.getAcquire(h & (t.length() - 1)); e != null; e = e.next) {
            if (e.hash == h && e.word.length() == length && topic.regionMatches(start, e.word, 0, length)) {
                return e.value;
            }
        }
        return null;
    }

    V get(String word) {
        return get(word, 0, word.length());
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Calls {@code action} with every value; a concurrent write may or may not be seen. */
    void forEachValue(Consumer<? super V> action) {
        AtomicReferenceArray<Entry<V>> t = table;
        if (t == null) {
            return;
        }
        for (int i = 0; i < t.length(); i++) {
            for (Entry<V> e = t.getAcquire(i); e != null; e = e.next) {
                action.accept(e.value);
            }
        }
    }

    /** Binds {@code word}, which must be absent. Writers only. */
    void put(String word, V value) {
        AtomicReferenceArray<Entry<V>> t = table;
        if (t == null) {
            t = new AtomicReferenceArray<>(MIN_CAPACITY);
            table = t;
        } else if ((size + 1) * 4 > t.length() * 3) {
            t = resized(t, t.length() * 2);
            table = t;
        }
        int h = hash(word, 0, word.length());
        int index = h & (t.length() - 1);
        t.setRelease(index, new Entry<>(word, h, value, t.getPlain(index)));
        size = size + 1;
    }

    /** Unbinds {@code word}; returns whether it was bound. Writers only. */
    boolean remove(String word) {
        AtomicReferenceArray<Entry<V>> t = table;
        if (t == null) {
            return false;
        }
        int h = hash(word, 0, word.length());
        int index = h & (t.length() - 1);
        Entry<V> head = t.getPlain(index);
        Entry<V> found = head;
        while (found != null && !(found.hash == h && found.word.equals(word))) {
            found = found.next;
        }
        if (found == null) {
            return false;
        }
        // Copy the entries in front of the removed one; the tail after it is shared, unchanged.
        Entry<V> rebuilt = found.next;
        for (Entry<V> e = head; e != found; e = e.next) {
            rebuilt = new Entry<>(e.word, e.hash, e.value, rebuilt);
        }
        t.setRelease(index, rebuilt);
        size = size - 1;
        if (size == 0) {
            table = null;
        } else if (t.length() > MIN_CAPACITY && size * 8 < t.length()) {
            table = resized(t, t.length() / 2);
        }
        return true;
    }

    private static <V> AtomicReferenceArray<Entry<V>> resized(AtomicReferenceArray<Entry<V>> from, int capacity) {
        AtomicReferenceArray<Entry<V>> to = new AtomicReferenceArray<>(capacity);
        for (int i = 0; i < from.length(); i++) {
            for (Entry<V> e = from.getPlain(i); e != null; e = e.next) {
                int index = e.hash & (capacity - 1);
                to.setPlain(index, new Entry<>(e.word, e.hash, e.value, to.getPlain(index)));
            }
        }
        // The new table is published by the caller's volatile write of the table field.
        return to;
    }
}
