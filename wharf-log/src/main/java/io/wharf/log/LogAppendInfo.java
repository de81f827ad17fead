package io.wharf.log;

/**
 * What an append did: the offsets it assigned, the largest timestamp it stored (and where), the time it
 * was appended and the log start offset at that moment, as a Produce response reports them.
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp,
                            long logAppendTimeMs, long logStartOffset, int batches, int sizeInBytes) {
}
