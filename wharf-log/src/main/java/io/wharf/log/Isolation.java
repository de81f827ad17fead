package io.wharf.log;

/** How far a read may go. */
public enum Isolation {
    /** Up to the log end offset: replication followers and internal readers. */
    LOG_END,
    /** Up to the high watermark: what consumers may see. */
    HIGH_WATERMARK
}
