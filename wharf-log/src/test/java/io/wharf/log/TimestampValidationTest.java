package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Compression;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CreateTime bounds on appended batches: {@code message.timestamp.before.max.ms} and
 * {@code message.timestamp.after.max.ms}, with Kafka's exemptions.
 */
class TimestampValidationTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    /** A batch whose records carry {@code timestamps}, in that order. */
    private static ByteBuffer withTimestamps(Compression c, long... timestamps) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(c);
        for (int i = 0; i < timestamps.length; i++) {
            b.append(timestamps[i], null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static void assertInvalidTimestamp(Log log, ByteBuffer records) {
        long end = log.logEndOffset();
        assertThatThrownBy(() -> log.append(records))
            .isInstanceOf(InvalidBatchException.class)
            .hasMessageContaining("out of range")
            .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                .isEqualTo(InvalidBatchException.Reason.INVALID_TIMESTAMP));
        assertThat(log.logEndOffset()).as("nothing of a refused batch is written").isEqualTo(end);
    }

    @Test
    void byDefaultTimestampsMayBeOldButAtMostAnHourAhead() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            long now = time.milliseconds();
            log.append(batch(0, 1, 0));
            log.append(batch(1, 1, 1));
            log.append(withTimestamps(Compression.NONE, now - 30L * 24 * HOUR, now + HOUR));
            assertInvalidTimestamp(log, withTimestamps(Compression.NONE, now, now + HOUR + 1));
            assertInvalidTimestamp(log, withTimestamps(Compression.LZ4, now + 2 * HOUR));
            assertThat(log.logEndOffset()).isEqualTo(4);
        }
    }

    /**
     * The smallest timestamp is not in the header: the first record here is fresh and a later one is too
     * old, so only a walk over the records finds it, compressed or not.
     */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void beforeMaxMsRefusesAnOldRecordAnywhereInTheBatch(Compression c) {
        LogConfig config = TestLogs.smallConfig().timestampBeforeMaxMs(HOUR).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            long now = time.milliseconds();
            log.append(withTimestamps(c, now, now - HOUR, now + HOUR));
            ByteBuffer oldInTheMiddle = withTimestamps(c, now, now - HOUR - 1, now);
            assertThat(RecordBatch.at(oldInTheMiddle, 0).baseTimestamp()).isEqualTo(now);
            assertThat(RecordBatch.at(oldInTheMiddle, 0).maxTimestamp()).isEqualTo(now);
            assertInvalidTimestamp(log, oldInTheMiddle);
            assertInvalidTimestamp(log, withTimestamps(c, now - 2 * HOUR));
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::timestamp)
                .containsExactly(now, now - HOUR, now + HOUR);
        }
    }

    @Test
    void recordsWithoutATimestampAreExempt() {
        LogConfig config = TestLogs.smallConfig().timestampBeforeMaxMs(0).timestampAfterMaxMs(0).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            long now = time.milliseconds();
            log.append(withTimestamps(Compression.NONE, RecordBatch.NO_TIMESTAMP, now, RecordBatch.NO_TIMESTAMP));
            assertInvalidTimestamp(log, withTimestamps(Compression.NONE, RecordBatch.NO_TIMESTAMP, now - 1));
            assertThat(log.logEndOffset()).isEqualTo(3);
        }
    }

    @Test
    void theBoundsMoveWithTheBrokersClock() {
        LogConfig config = TestLogs.smallConfig().timestampBeforeMaxMs(1000).timestampAfterMaxMs(1000).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            long sent = time.milliseconds() + 1000;
            ByteBuffer early = withTimestamps(Compression.NONE, sent);
            log.append(early.duplicate());
            time.advance(2001);
            assertInvalidTimestamp(log, withTimestamps(Compression.NONE, sent));
        }
    }

    @Test
    void logAppendTimeLogsAcceptAnyTimestampAndOverwriteIt() {
        LogConfig config = TestLogs.smallConfig().timestampType(LogConfig.TimestampType.LOG_APPEND_TIME)
            .timestampBeforeMaxMs(0).timestampAfterMaxMs(0).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(withTimestamps(Compression.NONE, 1, Long.MAX_VALUE - 1));
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::timestamp)
                .containsOnly(time.milliseconds());
        }
    }

    @Test
    void controlBatchesAreExempt() {
        TimestampValidator strict = TimestampValidator.of(
            TestLogs.smallConfig().timestampBeforeMaxMs(0).timestampAfterMaxMs(0).build(), time.milliseconds());
        ByteBuffer marker = RecordBatchBuilder.newBatch(Compression.NONE).producer(1, (short) 0, -1)
            .transactional(true).control(true).append(5, new byte[4], new byte[6]).build();
        strict.validate(RecordBatch.at(marker, 0));
        ByteBuffer data = withTimestamps(Compression.NONE, 5);
        assertThatThrownBy(() -> strict.validate(RecordBatch.at(data, 0))).isInstanceOf(InvalidBatchException.class);
    }

    @Test
    void aRecordsSectionTheWalkCannotReadIsCorrupt() {
        LogConfig config = TestLogs.smallConfig().timestampBeforeMaxMs(HOUR).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            ByteBuffer damaged = withTimestamps(Compression.NONE, time.milliseconds(), time.milliseconds());
            damaged.putInt(RecordBatch.RECORD_COUNT_OFFSET, 3);
            damaged.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 2);
            RecordBatch batch = RecordBatch.at(damaged, 0);
            damaged.putInt(RecordBatch.CRC_OFFSET, (int) batch.computeChecksum());
            assertThatThrownBy(() -> log.append(damaged)).isInstanceOf(InvalidBatchException.class)
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason())
                    .isEqualTo(InvalidBatchException.Reason.CORRUPT));
        }
    }

    @Test
    void boundsThatWouldOverflowMeanNoBound() {
        LogConfig config = TestLogs.smallConfig().timestampAfterMaxMs(Long.MAX_VALUE).build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(withTimestamps(Compression.NONE, Long.MAX_VALUE));
            log.append(withTimestamps(Compression.NONE, Long.MIN_VALUE + 1));
            assertThat(readAll(log, 0, Isolation.LOG_END)).extracting(Record::timestamp)
                .isEqualTo(List.of(Long.MAX_VALUE, Long.MIN_VALUE + 1));
        }
    }
}
