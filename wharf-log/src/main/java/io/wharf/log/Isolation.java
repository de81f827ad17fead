package io.wharf.log;

/** How far a read may go. */
public enum Isolation {
    /** Up to the log end offset: replication followers and internal readers. */
    LOG_END,
    /** Up to the high watermark: what consumers may see (Kafka's read_uncommitted). */
    HIGH_WATERMARK,
    /**
     * Up to the last stable offset — the high watermark, or the first offset of the oldest transaction
     * still undecided if that is lower (Kafka's read_committed).
     */
    LAST_STABLE
}
