package io.wharf.broker.bridge;

import io.wharf.broker.message.Message;
import io.wharf.broker.topic.PartitionId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What one publisher (an AMQP channel) routed to Kafka topics since its last flush, gathered per partition
 * so that each partition gets one append for many messages — the shape of a publisher's per-queue batches,
 * flushed at the same moments (the end of a socket read, before a method that could look at the result).
 * The partition is chosen when a message is added, so round-robin follows publish order.
 *
 * <p>Each message carries a tag of the publisher's (its confirm sequence number, say), handed back with its
 * outcome by {@link #flush}. Not thread-safe: confined to the publisher's thread.
 */
public final class TopicBatch<T> {
    private record Pending<T>(List<KafkaRecord> records, List<T> tags) {
    }

    private final TopicAppender appender;
    private Map<PartitionId, Pending<T>> pending = new LinkedHashMap<>();
    /** Tags of messages whose topic did not exist when they were added. */
    private List<T> unroutable = new ArrayList<>();

    TopicBatch(TopicAppender appender) {
        this.appender = appender;
    }

    /** Gathers {@code message} for {@code topic}, as the record an x-kafka exchange makes of it. */
    public void add(String topic, Message message, T tag) {
        Optional<PartitionId> partition = appender.partitionFor(topic, message);
        add(partition, partition.isEmpty() ? null : appender.record(message), tag);
    }

    /** Gathers a record another protocol made itself (MQTT's bridge) for {@code topic}, placed by its key. */
    public void add(String topic, KafkaRecord record, T tag) {
        add(appender.partitionFor(topic, record.key()), record, tag);
    }

    private void add(Optional<PartitionId> partition, KafkaRecord record, T tag) {
        if (partition.isEmpty()) {
            unroutable.add(tag);
            return;
        }
        Pending<T> p = pending.computeIfAbsent(partition.get(), id -> new Pending<>(new ArrayList<>(), new ArrayList<>()));
        p.records().add(record);
        p.tags().add(tag);
    }

    public boolean isEmpty() { return pending.isEmpty() && unroutable.isEmpty(); }

    /** Appends everything gathered and calls {@code outcome} with each tag and whether its message is stored. */
    public void flush(BiConsumer<T, Boolean> outcome) {
        if (isEmpty()) return;
        // Swapped out first: the batch is empty again whatever the outcome callback does.
        Map<PartitionId, Pending<T>> batches = pending;
        List<T> failed = unroutable;
        pending = new LinkedHashMap<>();
        unroutable = new ArrayList<>();
        for (T tag : failed) outcome.accept(tag, false);
        batches.forEach((id, p) -> {
            boolean[] appended = appender.appendRecords(id, p.records());
            for (int i = 0; i < appended.length; i++) outcome.accept(p.tags().get(i), appended[i]);
        });
    }
}
