package io.wharf.broker.txn;

/**
 * Where a transactional id's current transaction is, with the ids Kafka stores in
 * {@code __transaction_state} and the names DescribeTransactions reports.
 *
 * <pre>
 * Empty/CompleteCommit/CompleteAbort --AddPartitions--> Ongoing --EndTxn--> PrepareCommit|PrepareAbort
 *   --markers written--> CompleteCommit|CompleteAbort
 * Ongoing --InitProducerId or timeout: epoch + 1--> PrepareAbort ...
 * </pre>
 *
 * PrepareEpochFence is Kafka's name for that fencing step while it is pending; Wharf never holds it, but
 * knows its id so that it can read Kafka's records.
 */
public enum TransactionState {
    EMPTY((byte) 0, "Empty"),
    ONGOING((byte) 1, "Ongoing"),
    PREPARE_COMMIT((byte) 2, "PrepareCommit"),
    PREPARE_ABORT((byte) 3, "PrepareAbort"),
    COMPLETE_COMMIT((byte) 4, "CompleteCommit"),
    COMPLETE_ABORT((byte) 5, "CompleteAbort"),
    DEAD((byte) 6, "Dead"),
    PREPARE_EPOCH_FENCE((byte) 7, "PrepareEpochFence");

    private final byte id;
    private final String displayName;

    TransactionState(byte id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public byte id() { return id; }

    /** The name Kafka's DescribeTransactions and ListTransactions use. */
    public String displayName() { return displayName; }

    public static TransactionState of(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) return s;
        }
        throw new IllegalArgumentException("unknown transaction state " + id);
    }

    /** The state named {@code displayName} (case-insensitive), as ListTransactions filters give it. */
    public static TransactionState byDisplayName(String displayName) {
        for (TransactionState s : values()) {
            if (s.displayName.equalsIgnoreCase(displayName)) return s;
        }
        throw new IllegalArgumentException("unknown transaction state " + displayName);
    }

    /** No transaction in progress: a new one may begin. */
    public boolean isIdle() { return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT; }

    /** Decided, its markers not all written yet. */
    public boolean isPreparing() { return this == PREPARE_COMMIT || this == PREPARE_ABORT; }
}
