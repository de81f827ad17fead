package io.wharf.log;

import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordDecoder;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Kafka's CreateTime timestamp bounds on a producer's batches: every record timestamp must lie in
 * [now − {@code message.timestamp.before.max.ms}, now + {@code message.timestamp.after.max.ms}], or the
 * batch is refused with {@link InvalidBatchException.Reason#INVALID_TIMESTAMP}. As in Kafka's
 * {@code LogValidator}, a record without a timestamp (-1) is exempt, a {@code LogAppendTime} log checks
 * nothing (the broker overwrites the timestamps), and control batches are exempt (the broker writes them).
 *
 * <p>Cost, which is what shapes this class: the append path must not decode the records of an uncompressed
 * batch it stores as it is, so the header answers whenever it can.
 * <ul>
 *   <li>The upper bound is checked on the header's {@code maxTimestamp}, the largest record timestamp as
 *       the producer computed it (Kafka's producer and Wharf's builder both write it so). A producer that
 *       understates it is not caught unless the records are walked below; Wharf trusts that field
 *       everywhere else too (the time index, ListOffsets).</li>
 *   <li>The lower bound needs the smallest record timestamp, which no header field gives: baseTimestamp is
 *       only the first record's (a later record may be older, since the application supplies timestamps)
 *       and each record's timestamp is baseTimestamp plus a <em>signed</em> delta, so no header value bounds
 *       the minimum from below. Hence the records are walked, and every timestamp checked against both
 *       bounds, exactly when {@code before.max.ms} is not {@code Long.MAX_VALUE}. At that default nothing
 *       can be too old: now − Long.MAX_VALUE is below every timestamp but Long.MIN_VALUE, which Kafka's own
 *       arithmetic ({@code now - timestamp > before}, overflowing) accepts too; so the default check is one
 *       header read per batch.</li>
 *   <li>The walk reads two varints per record and skips the rest without allocating
 *       ({@link RecordDecoder#forEachTimestamp}); a compressed batch must be decompressed for it, as Kafka
 *       decompresses every compressed batch it validates. A batch the log recompresses anyway is checked on
 *       its decoded records ({@link #validate(RecordBatch, List)}), so it is decompressed once.</li>
 * </ul>
 *
 * <p>Immutable; one per append, since the bounds move with the clock.
 */
final class TimestampValidator {
    /** Checks nothing: a LogAppendTime log. */
    static final TimestampValidator NONE = new TimestampValidator(Long.MIN_VALUE, Long.MAX_VALUE, false, 0, 0, 0);

    private final long earliest;
    private final long latest;
    private final boolean walkRecords;
    private final long now;
    private final long beforeMaxMs;
    private final long afterMaxMs;

    private TimestampValidator(long earliest, long latest, boolean walkRecords, long now, long beforeMaxMs,
                               long afterMaxMs) {
        this.earliest = earliest;
        this.latest = latest;
        this.walkRecords = walkRecords;
        this.now = now;
        this.beforeMaxMs = beforeMaxMs;
        this.afterMaxMs = afterMaxMs;
    }

    /** The bounds of {@code config} at {@code now} (broker time, ms). */
    static TimestampValidator of(LogConfig config, long now) {
        if (config.timestampType() == LogConfig.TimestampType.LOG_APPEND_TIME) return NONE;
        long before = config.timestampBeforeMaxMs();
        long after = config.timestampAfterMaxMs();
        boolean boundedBefore = before != Long.MAX_VALUE;
        long earliest = boundedBefore ? saturated(() -> Math.subtractExact(now, before), Long.MIN_VALUE) : Long.MIN_VALUE;
        long latest = saturated(() -> Math.addExact(now, after), Long.MAX_VALUE);
        return new TimestampValidator(earliest, latest, boundedBefore, now, before, after);
    }

    /** A bound that would overflow means no bound (both windows are non-negative). */
    private static long saturated(LongSupplier bound, long unbounded) {
        try {
            return bound.getAsLong();
        } catch (ArithmeticException e) {
            return unbounded;
        }
    }

    /** Checks a batch stored as it is: its header, and its records when the lower bound needs them. */
    void validate(RecordBatch batch) {
        if (this == NONE || batch.isControl()) return;
        checkHeader(batch);
        if (walkRecords) RecordDecoder.forEachTimestamp(batch, this::check);
    }

    /** Checks a batch whose records were decoded anyway (to be rebuilt): no second decompression. */
    void validate(RecordBatch batch, List<Record> records) {
        if (this == NONE || batch.isControl()) return;
        checkHeader(batch);
        if (walkRecords) {
            for (Record r : records) check(r.timestamp());
        }
    }

    /** The header's maxTimestamp: above the upper bound fails the batch, below the lower bound too (all are). */
    private void checkHeader(RecordBatch batch) {
        check(batch.maxTimestamp());
    }

    private void check(long timestamp) {
        if (timestamp == RecordBatch.NO_TIMESTAMP || (timestamp >= earliest && timestamp <= latest)) return;
        throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_TIMESTAMP, "Timestamp " + timestamp
            + " of a record is out of range. The timestamp should be within [" + earliest + ", " + latest + "]: at most "
            + beforeMaxMs + " ms (message.timestamp.before.max.ms) before and " + afterMaxMs
            + " ms (message.timestamp.after.max.ms) after the broker's time " + now);
    }
}
