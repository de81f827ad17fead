package io.wharf.kafka.produce;

import io.wharf.broker.topic.Partition;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.topic.TopicManager;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.ErrorMapping;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import io.wharf.kafka.txn.TransactionVerifier;
import io.wharf.log.LogAppendInfo;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce (v3+; kafka-clients cannot parse older versions): each partition's records go to its leader's log
 * as received — compressed or not, with whatever producer id, epoch and sequence they carry — except that
 * the leader stamps its leader epoch on each batch and, when the topic's {@code compression.type} names a
 * codec, the log rebuilds batches that arrive in another one.
 *
 * <p>Per partition, in Kafka's order: the topic must exist (UNKNOWN_TOPIC_ID for v13+ ids,
 * UNKNOWN_TOPIC_OR_PARTITION), the records must be what the request version allows (one v2 batch;
 * {@link ProduceRequest#validateRecords}), internal topics are written only by the broker's own admin
 * client (INVALID_TOPIC_EXCEPTION), this broker must lead the partition (NOT_LEADER_OR_FOLLOWER), acks=all
 * needs {@code min.insync.replicas} in sync (NOT_ENOUGH_REPLICAS), and then the log validates the batch
 * (CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_RECORD, UNSUPPORTED_FOR_MESSAGE_FORMAT, and INVALID_TIMESTAMP
 * for a CreateTime timestamp outside {@code message.timestamp.before/after.max.ms}). Transactional records
 * must belong to an ongoing transaction that includes the partition (INVALID_TXN_STATE, TRANSACTION_ABORTABLE
 * from v11, INVALID_PRODUCER_EPOCH for a fenced producer), as Kafka verifies since KIP-890.
 *
 * <p>acks: with a single replica the leader is the whole ISR, so 1 and -1 both answer once the append is
 * done — synchronously, on the event loop, because an append is a buffered file write. acks=0 completes
 * with no response at all. The append happens before this method returns, so the request frame (which
 * the records still point into) is released only after the log has copied it.
 */
final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);
    /** Kafka's AdminUtils.ADMIN_CLIENT_ID: the only client allowed to append to internal topics. */
    private static final String ADMIN_CLIENT_ID = "__admin_client";
    private static final short FIRST_VERSION_WITH_TRANSACTION_ABORTABLE = 11;
    /** Transaction protocol 2 (KIP-890 part 2): a transactional write adds its partition to the transaction. */
    private static final short FIRST_VERSION_ADDING_PARTITIONS_IMPLICITLY = 12;

    private final TopicManager topics;
    private final PartitionLeaders leaders;
    private final TransactionVerifier transactions;

    ProduceHandler(TopicManager topics, PartitionLeaders leaders, TransactionVerifier transactions) {
        this.topics = topics;
        this.leaders = leaders;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ProduceRequest request) {
        ProduceRequestData data = request.data();
        short acks = data.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            String name = topicName(context, topic);
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                .setName(topic.name()).setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                ProduceResponseData.PartitionProduceResponse result;
                if (!validAcks) {
                    result = error(partition.index(), Errors.INVALID_REQUIRED_ACKS, null);
                } else if (name == null) {
                    result = error(partition.index(), context.apiVersion() >= 13 ? Errors.UNKNOWN_TOPIC_ID
                        : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                } else {
                    result = append(context, name, partition, acks, data.transactionalId());
                }
                topicResponse.partitionResponses().add(result);
            }
            response.responses().add(topicResponse);
        }
        request.clearPartitionRecords();
        if (acks == 0) {
            // Kafka closes the connection of an acks=0 producer whose request failed, so that it refreshes
            // its metadata; handlers cannot close connections yet, so failures are only logged.
            if (LOG.isDebugEnabled()) logAcksZeroErrors(context, response);
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(new ProduceResponse(response));
    }

    /** The topic's name, or null if it does not exist (by id from v13, by name before). */
    private String topicName(RequestContext context, ProduceRequestData.TopicProduceData topic) {
        if (context.apiVersion() >= 13) {
            Uuid id = topic.topicId();
            if (Uuid.ZERO_UUID.equals(id)) return null;
            return topics.topicById(TopicIdCodec.toText(id)).map(t -> t.name()).orElse(null);
        }
        return topics.topic(topic.name()).isPresent() ? topic.name() : null;
    }

    private ProduceResponseData.PartitionProduceResponse append(RequestContext context, String topic,
                                                                ProduceRequestData.PartitionProduceData partition,
                                                                short acks, String transactionalId) {
        int index = partition.index();
        PartitionId id = new PartitionId(topic, index);
        try {
            if (!(partition.records() instanceof MemoryRecords records)) {
                return error(index, Errors.CORRUPT_MESSAGE, "Produce request for " + id + " carries no records");
            }
            ProduceRequest.validateRecords(context.apiVersion(), records);
            if (Topic.isInternal(topic) && !ADMIN_CLIENT_ID.equals(context.clientId())) {
                return error(index, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + topic);
            }
            Errors notInTransaction = verifyTransaction(context.apiVersion(), records, transactionalId, id);
            if (notInTransaction != Errors.NONE) {
                return error(index, notInTransaction, "Transactional records for " + id
                    + " outside an ongoing transaction that includes the partition");
            }
            Partition leader = leaders.leader(id);
            int minIsr = acks == -1 ? leaders.minInsyncReplicas(topic) : 1;
            LogAppendInfo info = leader.appendAsLeader(records.buffer(), acks, minIsr);
            return new ProduceResponseData.PartitionProduceResponse()
                .setIndex(index)
                .setErrorCode(Errors.NONE.code())
                .setBaseOffset(info.firstOffset())
                .setLogAppendTimeMs(info.logAppendTimeMs())
                .setLogStartOffset(info.logStartOffset());
        } catch (ApiException e) {
            return error(index, Errors.forException(e), e.getMessage());
        } catch (RuntimeException e) {
            Errors error = ErrorMapping.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                LOG.error("Append to {} from {} failed", id, context.clientAddress(), e);
            } else {
                LOG.debug("Append to {} from {} refused: {}", id, context.clientAddress(), e.getMessage());
            }
            return error(index, error, e.getMessage());
        }
    }

    /**
     * NONE unless the records are transactional and their transaction does not include the partition (from v12,
     * transaction protocol 2, the partition is added to the transaction instead). While the coordinator loads,
     * or the previous transaction's markers are still being written, the producer is told NOT_ENOUGH_REPLICAS,
     * which it retries, as Kafka does.
     */
    private Errors verifyTransaction(short version, MemoryRecords records, String transactionalId, PartitionId id) {
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        if (!batches.hasNext()) return Errors.NONE;
        RecordBatch batch = batches.next();
        if (!batch.isTransactional()) return Errors.NONE;
        Errors error = version >= FIRST_VERSION_ADDING_PARTITIONS_IMPLICITLY
            ? transactions.verifyOrAdd(transactionalId, batch.producerId(), batch.producerEpoch(), id)
            : transactions.verify(transactionalId, batch.producerId(), batch.producerEpoch(), id);
        if (error == Errors.COORDINATOR_LOAD_IN_PROGRESS || error == Errors.COORDINATOR_NOT_AVAILABLE
            || error == Errors.CONCURRENT_TRANSACTIONS) {
            return Errors.NOT_ENOUGH_REPLICAS;
        }
        return TransactionVerifier.notInTransaction(error, version, FIRST_VERSION_WITH_TRANSACTION_ABORTABLE);
    }

    private static ProduceResponseData.PartitionProduceResponse error(int index, Errors error, String message) {
        return new ProduceResponseData.PartitionProduceResponse()
            .setIndex(index)
            .setErrorCode(error.code())
            .setErrorMessage(message)
            .setBaseOffset(ProduceResponse.INVALID_OFFSET)
            .setLogAppendTimeMs(-1)
            .setLogStartOffset(-1);
    }

    private static void logAcksZeroErrors(RequestContext context, ProduceResponseData response) {
        response.responses().forEach(t -> t.partitionResponses().forEach(p -> {
            if (p.errorCode() != Errors.NONE.code()) {
                LOG.debug("acks=0 produce from {} to {}-{} failed: {}", context.clientAddress(),
                    t.name() != null ? t.name() : t.topicId(), p.index(), Errors.forCode(p.errorCode()));
            }
        }));
    }
}
