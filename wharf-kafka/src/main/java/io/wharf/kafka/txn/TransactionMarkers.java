package io.wharf.kafka.txn;

import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.group.OffsetsTopic;
import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.log.ControlType;
import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a transaction in the partitions it wrote to: appends a COMMIT or ABORT marker to each, and tells the
 * offset store when the partition is one of {@code __consumer_offsets}, so that the transaction's offset
 * commits become visible (or are dropped). Kafka's coordinator sends WriteTxnMarkers to each partition's
 * leader; this broker leads every partition, so it writes them itself.
 */
final class TransactionMarkers {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionMarkers.class);
    /** The leader epoch of the coordinator's {@code __transaction_state} partition: no elections yet. */
    private static final int COORDINATOR_EPOCH = 0;

    private final TopicManager topics;
    private final OffsetStore offsets;

    TransactionMarkers(TopicManager topics, OffsetStore offsets) {
        this.topics = topics;
        this.offsets = offsets;
    }

    /**
     * Writes the markers; true when every partition has its marker (or no longer exists), false when one
     * could not be written now and the whole call must be retried (markers are idempotent for a reader: a
     * second marker for a producer with no open transaction changes nothing).
     */
    boolean write(long producerId, short producerEpoch, ControlType type, Collection<PartitionId> partitions) {
        boolean complete = true;
        for (PartitionId id : partitions) {
            Errors error = writeOne(producerId, producerEpoch, type, COORDINATOR_EPOCH, id);
            switch (error) {
                case NONE -> { }
                // Deleted since: Kafka drops markers for partitions that are gone.
                case UNKNOWN_TOPIC_OR_PARTITION -> LOG.info("Skipping the {} marker of producer {} for {}: the partition "
                    + "no longer exists", type, producerId, id);
                // The partition has seen a newer epoch of this producer: this transaction is over there.
                case INVALID_PRODUCER_EPOCH -> LOG.warn("Skipping the {} marker of producer {} epoch {} for {}: the "
                    + "partition has a newer epoch", type, producerId, producerEpoch, id);
                default -> {
                    LOG.warn("Could not write the {} marker of producer {} to {}: {}; will retry", type, producerId, id, error);
                    complete = false;
                }
            }
        }
        return complete;
    }

    /**
     * Writes one marker to {@code partition} (also Kafka's WriteTxnMarkers, which an admin client sends to
     * abort a hanging transaction) and settles the transaction's offset commits if it is a partition of the
     * offsets topic. Returns the Kafka error of a failed write.
     */
    Errors writeOne(long producerId, short producerEpoch, ControlType type, int coordinatorEpoch, PartitionId id) {
        Optional<Partition> partition = topics.partition(id);
        if (partition.isEmpty()) return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        try {
            partition.get().appendTransactionMarker(producerId, producerEpoch, type, coordinatorEpoch);
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) LOG.warn("Writing a {} marker to {} failed", type, id, e);
            return error;
        }
        if (id.topic().equals(OffsetsTopic.NAME)) {
            offsets.completeTransaction(producerId, id.partition(), type == ControlType.COMMIT);
        }
        return Errors.NONE;
    }
}
