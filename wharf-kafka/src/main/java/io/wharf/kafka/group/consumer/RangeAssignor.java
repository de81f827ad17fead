package io.wharf.kafka.group.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's server assignor {@code range}: for each topic, the members subscribed to it (ordered by member id)
 * get consecutive ranges of its partitions, the first ones one partition more when the count does not
 * divide. Members subscribed to the same topics therefore get the same partition numbers of every topic
 * (co-partitioning, for joins of topics keyed alike).
 */
public final class RangeAssignor implements ConsumerAssignor {
    public static final String NAME = "range";

    @Override
    public String name() { return NAME; }

    @Override
    public Map<String, Assignment> assign(Map<String, Subscriber> members, Map<String, Integer> partitions) {
        Map<String, Map<String, Set<Integer>>> result = new TreeMap<>();
        members.keySet().forEach(m -> result.put(m, new TreeMap<>()));
        partitions.forEach((topic, count) -> {
            List<String> subscribed = new ArrayList<>();
            members.forEach((m, s) -> {
                if (s.topics().contains(topic)) subscribed.add(m);
            });
            if (subscribed.isEmpty()) return;
            subscribed.sort(null);
            int per = count / subscribed.size();
            int extra = count % subscribed.size();
            int next = 0;
            for (int i = 0; i < subscribed.size(); i++) {
                int size = per + (i < extra ? 1 : 0);
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + size; p++) range.add(p);
                next += size;
                if (!range.isEmpty()) result.get(subscribed.get(i)).put(topic, range);
            }
        });
        Map<String, Assignment> out = new HashMap<>();
        result.forEach((m, ps) -> out.put(m, Assignment.of(ps)));
        return out;
    }
}
