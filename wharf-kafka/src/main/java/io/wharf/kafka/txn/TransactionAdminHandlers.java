package io.wharf.kafka.txn;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.txn.TransactionMetadata;
import io.wharf.broker.txn.TransactionState;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;

/**
 * ListTransactions (v0–2, with state, producer id, duration and transactional-id pattern filters) and
 * DescribeTransactions (v0): what {@code kafka-transactions.sh list} and {@code describe} and the admin
 * client's listTransactions / describeTransactions show, read from the coordinator's memory.
 */
final class TransactionAdminHandlers {
    private final TransactionCoordinator coordinator;
    private final LongSupplier clock;

    TransactionAdminHandlers(TransactionCoordinator coordinator, LongSupplier clock) {
        this.coordinator = coordinator;
        this.clock = clock;
    }

    CompletableFuture<AbstractResponse> listTransactions(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData d = request.data();
        ListTransactionsResponseData response = new ListTransactionsResponseData().setThrottleTimeMs(0);
        Errors unavailable = coordinator.availability();
        if (unavailable != Errors.NONE) {
            return done(new ListTransactionsResponse(response.setErrorCode(unavailable.code())));
        }
        Pattern idPattern;
        try {
            String regex = d.transactionalIdPattern();
            idPattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return done(new ListTransactionsResponse(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code())));
        }
        List<TransactionState> states = new ArrayList<>();
        for (String filter : d.stateFilters()) {
            try {
                states.add(TransactionState.byDisplayName(filter));
            } catch (IllegalArgumentException e) {
                response.unknownStateFilters().add(filter);
            }
        }
        Set<Long> producerIds = Set.copyOf(d.producerIdFilters());
        long now = clock.getAsLong();
        for (TransactionMetadata m : coordinator.all()) {
            if (!states.isEmpty() && !states.contains(m.state())) continue;
            if (!producerIds.isEmpty() && !producerIds.contains(m.producerId())) continue;
            if (d.durationFilter() >= 0 && (m.state() != TransactionState.ONGOING
                || now - m.startTimestamp() < d.durationFilter())) {
                continue;
            }
            if (idPattern != null && !idPattern.matcher(m.transactionalId()).matches()) continue;
            response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                .setTransactionalId(m.transactionalId()).setProducerId(m.producerId())
                .setTransactionState(m.state().displayName()));
        }
        return done(new ListTransactionsResponse(response.setErrorCode(Errors.NONE.code())));
    }

    CompletableFuture<AbstractResponse> describeTransactions(RequestContext context, DescribeTransactionsRequest request) {
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData().setThrottleTimeMs(0);
        Errors unavailable = coordinator.availability();
        for (String id : request.data().transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState state = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(id);
            Optional<TransactionMetadata> metadata = unavailable == Errors.NONE ? coordinator.describe(id) : Optional.empty();
            if (metadata.isEmpty()) {
                response.transactionStates().add(state.setErrorCode((unavailable != Errors.NONE ? unavailable
                    : Errors.TRANSACTIONAL_ID_NOT_FOUND).code()));
                continue;
            }
            TransactionMetadata m = metadata.get();
            state.setErrorCode(Errors.NONE.code()).setTransactionState(m.state().displayName())
                .setTransactionTimeoutMs(m.timeoutMs()).setTransactionStartTimeMs(m.startTimestamp())
                .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch());
            Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
            for (PartitionId p : m.partitions()) byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p.partition());
            byTopic.forEach((topic, partitions) -> state.topics().add(
                new DescribeTransactionsResponseData.TopicData().setTopic(topic).setPartitions(partitions)));
            response.transactionStates().add(state);
        }
        return done(new DescribeTransactionsResponse(response));
    }

    private static CompletableFuture<AbstractResponse> done(AbstractResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
