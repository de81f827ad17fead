package io.wharf.broker.txn;

import io.wharf.log.LogConfig;
import java.util.Map;

/**
 * The internal compacted topic {@value #NAME} that holds the transaction coordinator's state, named and laid
 * out as Kafka's: a transactional id lives in partition {@code abs(id.hashCode()) % partitionCount}.
 */
public final class TransactionStateTopic {
    public static final String NAME = "__transaction_state";
    /** Kafka's {@code transaction.state.log.segment.bytes}: 100 MiB. */
    public static final int SEGMENT_BYTES = 100 * 1024 * 1024;

    private TransactionStateTopic() {
    }

    /** The topic configuration the broker creates it with: compacted, as Kafka does. */
    public static Map<String, String> configs() {
        return Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES));
    }
}
