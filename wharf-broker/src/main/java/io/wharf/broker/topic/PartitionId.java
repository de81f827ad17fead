package io.wharf.broker.topic;

import io.wharf.log.LogId;

/** A topic's partition, the unit of storage and of leadership. */
public record PartitionId(String topic, int partition) implements Comparable<PartitionId> {
    public LogId logId() { return new LogId(topic, partition); }

    @Override
    public int compareTo(PartitionId o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() { return topic + "-" + partition; }
}
