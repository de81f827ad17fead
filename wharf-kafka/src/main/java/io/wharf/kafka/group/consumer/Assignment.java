package io.wharf.kafka.group.consumer;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * A set of partitions, by topic name: what a member owns, is assigned, or must give up. Topics with no
 * partitions are never kept, so two equal sets are {@code equals}. Immutable.
 */
public final class Assignment {
    public static final Assignment EMPTY = new Assignment(new TreeMap<>());

    private final Map<String, SortedSet<Integer>> partitions;

    private Assignment(TreeMap<String, SortedSet<Integer>> partitions) {
        this.partitions = Collections.unmodifiableMap(partitions);
    }

    public static Assignment of(Map<String, ? extends Set<Integer>> partitions) {
        TreeMap<String, SortedSet<Integer>> copy = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) copy.put(topic, Collections.unmodifiableSortedSet(new TreeSet<>(ps)));
        });
        return copy.isEmpty() ? EMPTY : new Assignment(copy);
    }

    /** Partitions by topic, topics and partitions in order. */
    public Map<String, SortedSet<Integer>> byTopic() { return partitions; }

    public boolean isEmpty() { return partitions.isEmpty(); }

    public int size() {
        int n = 0;
        for (SortedSet<Integer> ps : partitions.values()) n += ps.size();
        return n;
    }

    public boolean contains(String topic, int partition) {
        SortedSet<Integer> ps = partitions.get(topic);
        return ps != null && ps.contains(partition);
    }

    public Set<String> topics() { return partitions.keySet(); }

    public Assignment union(Assignment other) {
        return of(this, other, (inThis, inOther) -> inThis || inOther);
    }

    public Assignment minus(Assignment other) {
        return of(this, other, (inThis, inOther) -> inThis && !inOther);
    }

    public Assignment intersect(Assignment other) {
        return of(this, other, (inThis, inOther) -> inThis && inOther);
    }

    /** The partitions {@code keep} accepts. */
    public Assignment filter(BiPredicate<String, Integer> keep) {
        TreeMap<String, Set<Integer>> kept = new TreeMap<>();
        partitions.forEach((topic, ps) -> ps.forEach(p -> {
            if (keep.test(topic, p)) kept.computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
        }));
        return of(kept);
    }

    public boolean containsAll(Assignment other) {
        return other.minus(this).isEmpty();
    }

    private static Assignment of(Assignment a, Assignment b, BiPredicate<Boolean, Boolean> rule) {
        TreeMap<String, Set<Integer>> out = new TreeMap<>();
        Set<String> topics = new TreeSet<>(a.partitions.keySet());
        topics.addAll(b.partitions.keySet());
        for (String topic : topics) {
            Set<Integer> all = new TreeSet<>(a.partitions.getOrDefault(topic, Collections.emptySortedSet()));
            all.addAll(b.partitions.getOrDefault(topic, Collections.emptySortedSet()));
            for (int p : all) {
                if (rule.test(a.contains(topic, p), b.contains(topic, p))) out.computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
            }
        }
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment other && partitions.equals(other.partitions);
    }

    @Override
    public int hashCode() { return partitions.hashCode(); }

    @Override
    public String toString() { return partitions.toString(); }
}
