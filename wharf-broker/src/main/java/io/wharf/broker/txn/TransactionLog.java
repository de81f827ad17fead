package io.wharf.broker.txn;

import io.wharf.broker.topic.InternalTopic;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordDecoder;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator's durable state: the latest {@link TransactionMetadata} of every transactional
 * id, one record per transition in {@value TransactionStateTopic#NAME} (layout in
 * {@link TransactionLogRecords}), compacted so that only the last one per id stays. A transition is written
 * here before it takes effect; after a restart the coordinator {@link #read reads} the partitions back.
 *
 * <p>Thread-safety: writes of one transactional id must be serialised by the caller (the coordinator holds
 * the id's lock); writes of different ids may run concurrently.
 */
public final class TransactionLog {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLog.class);

    private final InternalTopic topic;

    /**
     * @param configuredPartitions {@code transaction.state.log.num.partitions}, used only to create the topic
     * @param replicationFactor    {@code transaction.state.log.replication.factor}, likewise
     */
    public TransactionLog(TopicManager topics, int configuredPartitions, short replicationFactor) {
        this.topic = new InternalTopic(topics, TransactionStateTopic.NAME, configuredPartitions, replicationFactor,
            TransactionStateTopic.configs());
    }

    public InternalTopic topic() { return topic; }

    /** Appends {@code metadata} as its id's latest state; throws a BrokerException if the append fails. */
    public void write(TransactionMetadata metadata) {
        append(metadata.transactionalId(), TransactionLogRecords.value(metadata));
    }

    /** Writes a tombstone for {@code transactionalId} (it expired). */
    public void remove(String transactionalId) {
        append(transactionalId, null);
    }

    private void append(String transactionalId, byte[] value) {
        Partition partition = topic.localPartition(topic.partitionFor(transactionalId));
        partition.appendAsLeader(RecordBatchBuilder.newBatch(Compression.NONE)
            .append(System.currentTimeMillis(), TransactionLogRecords.key(transactionalId), value).build());
    }

    /** Replays {@code partition} into {@code into}: the last record of an id wins, a tombstone removes it. */
    public static void read(Partition partition, Map<String, TransactionMetadata> into) {
        InternalTopic.replay(partition, batch -> {
            if (batch.isControl()) return;
            RecordDecoder.forEach(batch, record -> replay(partition, record, into));
        });
    }

    private static void replay(Partition partition, Record record, Map<String, TransactionMetadata> into) {
        if (!record.hasKey()) return;
        try {
            String id = TransactionLogRecords.decodeKey(record.key());
            if (record.hasValue()) into.put(id, TransactionLogRecords.decodeValue(id, record.value()));
            else into.remove(id);
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping an undecodable record at {} offset {}: {}", partition.id(), record.offset(), e.getMessage());
        }
    }
}
