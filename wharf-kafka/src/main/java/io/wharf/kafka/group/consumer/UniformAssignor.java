package io.wharf.kafka.group.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's default server assignor, {@code uniform}: spreads the partitions as evenly as the subscriptions
 * allow and moves as few as possible when members or partitions come and go.
 *
 * <ol>
 *   <li>Every member keeps the partitions of its current target that still exist and that it still
 *       subscribes to.</li>
 *   <li>Each partition left over goes to the least-loaded member subscribed to its topic.</li>
 *   <li>While some member holds at least two partitions more than another member that could take one of
 *       them, one partition moves from the first to the second. Each move lowers the sum of the squared
 *       loads, so this ends; with equal subscriptions it ends with loads differing by at most one.</li>
 * </ol>
 * Ties go to the smaller member id, so the result does not depend on map order.
 */
public final class UniformAssignor implements ConsumerAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() { return NAME; }

    @Override
    public Map<String, Assignment> assign(Map<String, Subscriber> members, Map<String, Integer> partitions) {
        Map<String, Map<String, Set<Integer>>> owned = new TreeMap<>();
        Map<String, Integer> load = new HashMap<>();
        Map<String, List<String>> subscribers = new TreeMap<>();
        new TreeMap<>(members).forEach((memberId, s) -> {
            Map<String, Set<Integer>> kept = new TreeMap<>();
            s.current().byTopic().forEach((topic, ps) -> {
                int count = partitions.getOrDefault(topic, 0);
                if (!s.topics().contains(topic)) return;
                for (int p : ps) if (p < count) kept.computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
            });
            owned.put(memberId, kept);
            load.put(memberId, kept.values().stream().mapToInt(Set::size).sum());
            for (String topic : s.topics()) if (partitions.containsKey(topic)) subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(memberId);
        });
        Comparator<String> byLoad = Comparator.<String>comparingInt(load::get).thenComparing(Comparator.naturalOrder());

        subscribers.forEach((topic, candidates) -> {
            for (int p = 0; p < partitions.get(topic); p++) {
                int partition = p;
                boolean taken = candidates.stream().anyMatch(m -> owned.get(m).getOrDefault(topic, Set.of()).contains(partition));
                if (taken) continue;
                String least = candidates.stream().min(byLoad).orElseThrow();
                give(owned, load, least, topic, p);
            }
        });

        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> heaviestFirst = new ArrayList<>(owned.keySet());
            heaviestFirst.sort(byLoad.reversed());
            outer:
            for (String from : heaviestFirst) {
                for (Map.Entry<String, Set<Integer>> e : owned.get(from).entrySet()) {
                    String topic = e.getKey();
                    String to = subscribers.get(topic).stream().min(byLoad).orElseThrow();
                    if (load.get(to) + 1 < load.get(from)) {
                        int partition = ((TreeSet<Integer>) e.getValue()).last();
                        take(owned, load, from, topic, partition);
                        give(owned, load, to, topic, partition);
                        moved = true;
                        break outer;
                    }
                }
            }
        }
        Map<String, Assignment> result = new HashMap<>();
        owned.forEach((memberId, ps) -> result.put(memberId, Assignment.of(ps)));
        return result;
    }

    private static void give(Map<String, Map<String, Set<Integer>>> owned, Map<String, Integer> load, String member,
                             String topic, int partition) {
        owned.get(member).computeIfAbsent(topic, t -> new TreeSet<>()).add(partition);
        load.merge(member, 1, Integer::sum);
    }

    private static void take(Map<String, Map<String, Set<Integer>>> owned, Map<String, Integer> load, String member,
                             String topic, int partition) {
        Set<Integer> ps = owned.get(member).get(topic);
        ps.remove(partition);
        if (ps.isEmpty()) owned.get(member).remove(topic);
        load.merge(member, -1, Integer::sum);
    }
}
