package io.wharf.log;

import io.wharf.log.record.RecordBatch;
import java.nio.ByteBuffer;

/**
 * The loader's check of a segment's indexes before it trusts them without a rebuild (after a clean
 * shutdown, and below the recovery point after an unclean one). It is cheap — two batch headers read —
 * since a broker opens every segment of every partition at start-up.
 *
 * <p>The first and the last offset index entry must each name a batch that starts at its position: an
 * entry holding the batch's last offset is Kafka's layout, one holding its base offset (and not its last)
 * is the layout of Wharf before it followed Kafka, and anything else is damage. Both layouts give correct
 * lookups ({@link OffsetIndex}), so an old index could be kept; it is rebuilt instead, once, so that the
 * files are Kafka's exactly and Kafka's {@code DumpLogSegments} reports no mismatch. The two layouts only
 * differ at entries whose batch has several records: an old index whose first and last entries both
 * name single-record batches passes as Kafka's, and keeps working, though Kafka's tool may list its other
 * entries as mismatches until the segment is rebuilt or deleted. Reading every entry would decide it but
 * costs a read per entry on every start, for every segment.
 *
 * <p>The time index must pass Kafka's own sanity check: its last entry is at or above the base offset and
 * its timestamps do not decrease from the first entry to the last.
 */
final class SegmentIndexCheck {
    enum Verdict {
        /** Kafka's layout, consistent with the log as far as checked. */
        SANE,
        /** Base-offset entries, as Wharf wrote them before it followed Kafka: rebuild. */
        OLDER_WHARF_LAYOUT,
        /** An entry that names no batch, or a time index out of order: rebuild. */
        INCONSISTENT
    }

    private SegmentIndexCheck() {
    }

    static Verdict check(LogSegment segment) {
        TimeIndex times = segment.timeIndex();
        int t = times.entries();
        if (t > 0 && (times.entry(t - 1).offset() < segment.baseOffset()
            || times.entry(t - 1).timestamp() < times.entry(0).timestamp())) {
            return Verdict.INCONSISTENT;
        }
        OffsetIndex index = segment.offsetIndex();
        int n = index.entries();
        if (n == 0) return Verdict.SANE;
        Verdict first = checkEntry(segment, index.entry(0));
        Verdict last = n == 1 ? first : checkEntry(segment, index.entry(n - 1));
        if (first == Verdict.INCONSISTENT || last == Verdict.INCONSISTENT) return Verdict.INCONSISTENT;
        if (first == Verdict.OLDER_WHARF_LAYOUT || last == Verdict.OLDER_WHARF_LAYOUT) {
            return Verdict.OLDER_WHARF_LAYOUT;
        }
        return Verdict.SANE;
    }

    private static Verdict checkEntry(LogSegment segment, OffsetPosition entry) {
        if (entry.offset() < segment.baseOffset() || entry.position() < 0
            || (long) entry.position() + RecordBatch.HEADER_SIZE > segment.size()) {
            return Verdict.INCONSISTENT;
        }
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        if (!segment.readAt(header, entry.position())) return Verdict.INCONSISTENT;
        RecordBatch batch = RecordBatch.at(header, 0);
        if (batch.magic() != RecordBatch.MAGIC) return Verdict.INCONSISTENT;
        if (batch.lastOffset() == entry.offset()) return Verdict.SANE;
        if (batch.baseOffset() == entry.offset()) return Verdict.OLDER_WHARF_LAYOUT;
        return Verdict.INCONSISTENT;
    }
}
