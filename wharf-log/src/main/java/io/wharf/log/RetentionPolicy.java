package io.wharf.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Which whole segments retention deletes, oldest first: those wholly below the log start offset
 * (DeleteRecords), and, with {@code cleanup.policy} containing delete, those whose newest record is older
 * than {@code retention.ms} or that the log can lose and still hold {@code retention.bytes}. Only segments
 * wholly below the high watermark go (consumers may not have seen the rest), and the first segment that
 * must stay ends the list, so the log stays one contiguous range.
 */
final class RetentionPolicy {
    private RetentionPolicy() {
    }

    static List<LogSegment> segmentsToDelete(List<LogSegment> all, LogConfig cfg, long now, long logStartOffset,
                                             long highWatermark, long logEndOffset) {
        long totalSize = 0;
        for (LogSegment s : all) totalSize += s.size();
        long excessBytes = cfg.retentionBytes() < 0 ? -1 : totalSize - cfg.retentionBytes();
        List<LogSegment> doomed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LogSegment segment = all.get(i);
            long nextBase = i + 1 < all.size() ? all.get(i + 1).baseOffset() : logEndOffset;
            boolean belowStart = nextBase <= logStartOffset && i + 1 < all.size();
            boolean expired = cfg.delete() && cfg.retentionMs() >= 0 && !segment.isEmpty()
                && now - segment.largestTimestamp() > cfg.retentionMs();
            boolean oversized = cfg.delete() && excessBytes > 0 && excessBytes - segment.size() >= 0
                && !segment.isEmpty();
            boolean consumed = nextBase <= highWatermark;
            if (!(belowStart || ((expired || oversized) && consumed))) break;
            doomed.add(segment);
            if (oversized) excessBytes -= segment.size();
        }
        return doomed;
    }
}
