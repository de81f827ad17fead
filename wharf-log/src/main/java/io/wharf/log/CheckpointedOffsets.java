package io.wharf.log;

/** The offsets of one log as last checkpointed: where recovery starts, the log start offset, the HW. */
public record CheckpointedOffsets(long recoveryPoint, long logStartOffset, long highWatermark) {
    /** A log never checkpointed: recover everything. */
    public static final CheckpointedOffsets NONE = new CheckpointedOffsets(0, 0, 0);
}
