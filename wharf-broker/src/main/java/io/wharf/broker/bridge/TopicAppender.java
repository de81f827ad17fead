package io.wharf.broker.bridge;

import io.wharf.broker.BrokerException;
import io.wharf.broker.message.Message;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.Header;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the messages x-kafka exchanges take to their Kafka topics, each as one {@link KafkaRecord},
 * through the leader's append that a Kafka producer's records take ({@link Partition#appendAsLeader} with
 * acks=1): the log validates the batch (max.message.bytes, timestamps, the topic's compression.type), the
 * high watermark moves, waiting long-poll fetches wake, retention counts the records. Like a Produce, the
 * append is a buffered file write done on the caller's thread (an event loop) and done when this returns.
 *
 * <p>The messages of one call become as few record batches as the topic's {@code max.message.bytes} allows
 * (cut by {@link KafkaRecord#sizeUpperBound}). The log refuses a batch as a whole and writes nothing of it,
 * so when a batch of several is refused each of its messages is tried alone: one bad message (too large,
 * a timestamp out of bounds) fails by itself, not its neighbours.
 *
 * <p>Thread-safe; appends to one partition serialise in its log.
 */
public final class TopicAppender {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAppender.class);

    private final TopicManager topics;
    private final PartitionLeaders leaders;
    private final PropertiesCodec codec;
    private final TopicPartitioner partitioner = new TopicPartitioner();

    /** @param codec decodes the properties a record's timestamp and headers come from */
    public TopicAppender(TopicManager topics, PartitionLeaders leaders, PropertiesCodec codec) {
        this.topics = topics;
        this.leaders = leaders;
        this.codec = codec;
        topics.onTopicDeleted(partitioner::forget);
    }

    public boolean exists(String topic) {
        return topics.topic(topic).isPresent();
    }

    /** The partition {@code message} goes to in {@code topic}; empty if the topic does not exist (any more). */
    public Optional<PartitionId> partitionFor(String topic, Message message) {
        Optional<TopicMetadata> metadata = topics.topic(topic);
        if (metadata.isEmpty() || metadata.get().partitionCount() == 0) {
            // Declared when it existed, deleted since: the message is nacked (or dropped, unconfirmed).
            LOG.debug("Cannot append {}: Kafka topic {} does not exist", message, topic);
            return Optional.empty();
        }
        byte[] key = message.routingKey().isEmpty() ? null : message.routingKey().getBytes(StandardCharsets.UTF_8);
        return Optional.of(new PartitionId(topic, partitioner.partition(topic, key, metadata.get().partitionCount())));
    }

    /** The partition a record with {@code key} (null: none) goes to in {@code topic}; empty if the topic does not exist. */
    public Optional<PartitionId> partitionFor(String topic, byte[] key) {
        Optional<TopicMetadata> metadata = topics.topic(topic);
        if (metadata.isEmpty() || metadata.get().partitionCount() == 0) {
            LOG.debug("Cannot append a record: Kafka topic {} does not exist", topic);
            return Optional.empty();
        }
        return Optional.of(new PartitionId(topic, partitioner.partition(topic, key, metadata.get().partitionCount())));
    }

    /** The record {@code message} becomes in a Kafka topic ({@link KafkaRecord#of}). */
    KafkaRecord record(Message message) {
        return KafkaRecord.of(message, codec.attributes(message.properties()));
    }

    /** A batch for one publisher (see {@link TopicBatch}). */
    public <T> TopicBatch<T> newBatch() {
        return new TopicBatch<>(this);
    }

    /** Appends one message to {@code topic} (dead-lettering); false if it could not be. */
    public boolean append(String topic, Message message) {
        Optional<PartitionId> partition = partitionFor(topic, message);
        return partition.isPresent() && append(partition.get(), List.of(message))[0];
    }

    /** Appends {@code messages} to {@code id} in order; returns, for each, whether it is in the log. */
    public boolean[] append(PartitionId id, List<Message> messages) {
        List<KafkaRecord> records = new ArrayList<>(messages.size());
        for (Message m : messages) records.add(record(m));
        return appendRecords(id, records);
    }

    /**
     * Appends a record another protocol made itself (MQTT's bridge: its key is the MQTT topic, not a routing
     * key) to {@code topic}, in the partition a Kafka producer would choose for its key; false if the topic
     * does not exist or refused it.
     */
    public boolean append(String topic, KafkaRecord record) {
        Optional<PartitionId> partition = partitionFor(topic, record.key());
        return partition.isPresent() && appendRecords(partition.get(), List.of(record))[0];
    }

    /** Appends {@code records} to {@code id} in order; returns, for each, whether it is in the log. */
    boolean[] appendRecords(PartitionId id, List<KafkaRecord> records) {
        boolean[] appended = new boolean[records.size()];
        Partition partition;
        try {
            partition = leaders.leader(id);
        } catch (BrokerException e) {
            LOG.debug("Cannot append {} record(s) to {}: {}", records.size(), id, e.getMessage());
            return appended;
        }
        long limit = partition.log().config().maxMessageBytes();
        int from = 0;
        while (from < records.size()) {
            long size = RecordBatch.HEADER_SIZE + records.get(from).sizeUpperBound();
            int to = from + 1;
            while (to < records.size() && size + records.get(to).sizeUpperBound() <= limit) {
                size += records.get(to).sizeUpperBound();
                to++;
            }
            appendBatch(partition, records, from, to, appended);
            from = to;
        }
        return appended;
    }

    private void appendBatch(Partition partition, List<KafkaRecord> records, int from, int to, boolean[] appended) {
        if (tryAppend(partition, records.subList(from, to), to - from > 1)) {
            for (int i = from; i < to; i++) appended[i] = true;
            return;
        }
        if (to - from == 1) return;
        for (int i = from; i < to; i++) appended[i] = tryAppend(partition, records.subList(i, i + 1), false);
    }

    /** One record batch of {@code records}; false if refused (logged unless {@code retried} alone next). */
    private static boolean tryAppend(Partition partition, List<KafkaRecord> records, boolean retried) {
        long size = RecordBatch.HEADER_SIZE;
        for (KafkaRecord r : records) size += r.sizeUpperBound();
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE, (int) Math.min(size, 1 << 20));
        for (KafkaRecord r : records) {
            builder.append(r.timestamp(), r.key(), r.value(), r.headers().toArray(new Header[0]));
        }
        try {
            partition.appendAsLeader(builder.build());
            return true;
        } catch (BrokerException e) {
            if (!retried) LOG.debug("Append to {} refused: {}", partition.id(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // A log closed under us (the topic deleted meanwhile) or an I/O failure: the messages are not stored.
            LOG.warn("Append of {} record(s) to {} failed", records.size(), partition.id(), e);
            return false;
        }
    }
}
