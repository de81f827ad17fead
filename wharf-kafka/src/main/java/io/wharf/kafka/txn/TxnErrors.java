package io.wharf.kafka.txn;

import org.apache.kafka.common.protocol.Errors;

/** Error codes older clients do not know, as Kafka translates them for each request version. */
final class TxnErrors {
    private TxnErrors() {
    }

    /**
     * PRODUCER_FENCED exists from AddPartitionsToTxn, AddOffsetsToTxn and EndTxn v2 and InitProducerId v4;
     * older versions get INVALID_PRODUCER_EPOCH, which those clients treat as fatal in the same way.
     */
    static Errors forVersion(Errors error, short version, short firstVersionWithProducerFenced) {
        if (error == Errors.PRODUCER_FENCED && version < firstVersionWithProducerFenced) return Errors.INVALID_PRODUCER_EPOCH;
        return error;
    }
}
