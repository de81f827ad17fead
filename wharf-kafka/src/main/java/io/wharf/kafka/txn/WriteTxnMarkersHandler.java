package io.wharf.kafka.txn;

import io.wharf.broker.topic.PartitionId;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import io.wharf.log.ControlType;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * WriteTxnMarkers (v1): writes COMMIT or ABORT markers to the partitions named. In Kafka the transaction
 * coordinator sends it to each partition's leader; this broker's coordinator writes its markers directly, so
 * here it serves the admin client's {@code abortTransaction} ({@code kafka-transactions.sh abort}), which
 * ends a hanging transaction whose coordinator state is gone. Each partition gets its own error.
 */
final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequest> {
    private final TransactionMarkers markers;
    private final BlockingWork work;

    WriteTxnMarkersHandler(TransactionMarkers markers, BlockingWork work) {
        this.markers = markers;
        this.work = work;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, WriteTxnMarkersRequest request) {
        return work.submit(() -> {
            WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
            for (WriteTxnMarkersRequestData.WritableTxnMarker marker : request.data().markers()) {
                ControlType type = marker.transactionResult() ? ControlType.COMMIT : ControlType.ABORT;
                WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
                for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
                    for (int index : topic.partitionIndexes()) {
                        Errors error = markers.writeOne(marker.producerId(), marker.producerEpoch(), type,
                            marker.coordinatorEpoch(), new PartitionId(topic.name(), index));
                        topicResult.partitions().add(new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(index).setErrorCode(error.code()));
                    }
                    result.topics().add(topicResult);
                }
                response.markers().add(result);
            }
            return new WriteTxnMarkersResponse(response);
        });
    }
}
