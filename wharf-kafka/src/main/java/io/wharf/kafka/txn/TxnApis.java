package io.wharf.kafka.txn;

import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.txn.ProducerIdManager;
import io.wharf.broker.txn.TransactionLog;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiRegistry;
import io.wharf.kafka.api.BlockingWork;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Kafka APIs of idempotent and transactional producers and starts the transaction coordinator:
 * its state loads now if {@code __transaction_state} exists (otherwise the first transactional request creates
 * it), and two periodic tasks abort transactions past their timeout and expire idle transactional ids.
 */
public final class TxnApis {
    private static final Logger LOG = LoggerFactory.getLogger(TxnApis.class);
    private static final int INIT_PRODUCER_ID_MAX = 5; // v6 is two-phase commit (KIP-939)
    private static final int ADD_PARTITIONS_TO_TXN_MAX = 3; // v4+ are broker-to-broker verification
    private static final int END_TXN_MAX = 5;
    private static final int ADD_OFFSETS_TO_TXN_MAX = 4;

    private TxnApis() {
    }

    /**
     * What the other features need of the transaction coordinator: the check of transactional writes, and
     * its start (the future completes once {@code __transaction_state} exists).
     */
    public record Transactions(TransactionVerifier verifier, Supplier<CompletableFuture<Void>> start) {
    }

    public static Transactions register(ApiRegistry registry, KafkaContext context, OffsetStore offsets) {
        TransactionConfig config = context.settings().transactions();
        ProducerIdManager producerIds = new ProducerIdManager(context.broker().metadata(), context.brokerId());
        TransactionLog log = new TransactionLog(context.broker().topics(), config.stateLogNumPartitions(),
            config.stateLogReplicationFactor());
        TransactionMarkers markers = new TransactionMarkers(context.broker().topics(), offsets);
        TransactionCoordinator coordinator = new TransactionCoordinator(log, producerIds, markers, config,
            System::currentTimeMillis);
        BlockingWork work = new BlockingWork("txn-coordinator", 2);

        registry.register(ApiKeys.INIT_PRODUCER_ID, 0, INIT_PRODUCER_ID_MAX,
            new InitProducerIdHandler(producerIds, coordinator, work));
        registry.register(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, ADD_PARTITIONS_TO_TXN_MAX,
            new AddPartitionsToTxnHandler(coordinator, context.broker().topics(), work));
        registry.register(ApiKeys.ADD_OFFSETS_TO_TXN, 0, ADD_OFFSETS_TO_TXN_MAX,
            new AddOffsetsToTxnHandler(coordinator, offsets, work));
        registry.register(ApiKeys.END_TXN, 0, END_TXN_MAX, new EndTxnHandler(coordinator, work));
        TransactionAdminHandlers admin = new TransactionAdminHandlers(coordinator, System::currentTimeMillis);
        registry.register(ApiKeys.LIST_TRANSACTIONS, 0, admin::listTransactions);
        registry.register(ApiKeys.DESCRIBE_TRANSACTIONS, 0, admin::describeTransactions);
        // v2 (Kafka 4.2) is a controller-to-broker change Wharf has no use for on one broker: v1 only.
        registry.register(ApiKeys.WRITE_TXN_MARKERS, 1, 1, new WriteTxnMarkersHandler(markers, work));
        registry.register(ApiKeys.DESCRIBE_PRODUCERS, 0, new DescribeProducersHandler(
            new PartitionLeaders(context.broker().topics(), context.broker().settings())));

        schedule(context, "abort timed-out transactions", config.abortTimedOutIntervalMs(),
            coordinator::abortTimedOutTransactions);
        schedule(context, "expire transactional ids", config.removeExpiredIntervalMs(),
            coordinator::removeExpiredTransactionalIds);
        if (log.topic().exists()) coordinator.start();
        return new Transactions(coordinator, () -> coordinator.start().topicReady());
    }

    private static void schedule(KafkaContext context, String what, long intervalMs, Runnable task) {
        context.scheduler().scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Could not {}; will try again in {} ms", what, intervalMs, e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }
}
