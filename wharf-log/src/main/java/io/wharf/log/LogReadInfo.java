package io.wharf.log;

/**
 * The result of a read: the bytes to send and the log's offsets at the time of the read, which a fetch
 * response reports beside the data.
 */
public record LogReadInfo(FileSlice records, long highWatermark, long lastStableOffset, long logStartOffset,
                          long logEndOffset) {
}
