package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.log.record.Compression;
import io.wharf.log.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent producers: retried duplicates are not stored twice; gaps and fenced epochs are refused. */
class IdempotentAppendTest {
    private static final long PID = 4242;

    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    private static ByteBuffer batch(short epoch, int firstSeq, int count) {
        RecordBatchBuilder b = RecordBatchBuilder.newBatch(Compression.NONE).producer(PID, epoch, firstSeq);
        for (int i = 0; i < count; i++) b.append(1, null, ("seq-" + (firstSeq + i)).getBytes());
        return b.build();
    }

    private static InvalidBatchException.Reason reasonOf(Throwable e) {
        return ((InvalidBatchException) e).reason();
    }

    @Test
    void aRetriedBatchIsAcknowledgedWithItsOriginalOffsetsAndNotAppendedAgain() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(TestLogs.batch(0, 3, 1)); // someone else's records first
            LogAppendInfo first = log.append(batch((short) 0, 0, 5));
            LogAppendInfo second = log.append(batch((short) 0, 5, 2));
            LogAppendInfo retry = log.append(batch((short) 0, 0, 5));
            assertThat(retry.firstOffset()).isEqualTo(first.firstOffset()).isEqualTo(3);
            assertThat(retry.lastOffset()).isEqualTo(first.lastOffset()).isEqualTo(7);
            assertThat(log.append(batch((short) 0, 5, 2)).firstOffset()).isEqualTo(second.firstOffset());
            assertThat(log.logEndOffset()).isEqualTo(10);
            assertThat(TestLogs.readAll(log, 0, Isolation.LOG_END)).hasSize(10);
        }
    }

    @Test
    void aSequenceGapIsOutOfOrder() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(batch((short) 0, 0, 5));
            assertThatThrownBy(() -> log.append(batch((short) 0, 6, 1))).isInstanceOf(InvalidBatchException.class)
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE);
            assertThat(log.logEndOffset()).isEqualTo(5);
            assertThat(log.append(batch((short) 0, 5, 1)).firstOffset()).isEqualTo(5);
        }
    }

    @Test
    void anOlderEpochIsFencedAndANewEpochStartsAtSequenceZero() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(batch((short) 1, 0, 2));
            assertThatThrownBy(() -> log.append(batch((short) 0, 2, 1)))
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.INVALID_PRODUCER_EPOCH);
            assertThatThrownBy(() -> log.append(batch((short) 2, 7, 1)))
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE);
            assertThat(log.append(batch((short) 2, 0, 1)).firstOffset()).isEqualTo(2);
        }
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedAsDuplicates() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            for (int i = 0; i < 7; i++) log.append(batch((short) 0, i, 1));
            assertThat(log.append(batch((short) 0, 2, 1)).firstOffset()).isEqualTo(2); // still cached
            assertThatThrownBy(() -> log.append(batch((short) 0, 1, 1))) // evicted: no longer a known duplicate
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE);
        }
    }

    @Test
    void duplicatesAreStillDetectedAfterARestart() {
        LogConfig config = TestLogs.smallConfig().build();
        try (Log log = TestLogs.open(dir, config, time)) {
            log.append(batch((short) 0, 0, 3));
            log.append(batch((short) 0, 3, 3));
        }
        try (Log log = Log.open(dir, config, new CheckpointedOffsets(6, 0, 6), true, time, null)) {
            assertThat(log.append(batch((short) 0, 3, 3)).firstOffset()).isEqualTo(3);
            assertThat(log.logEndOffset()).isEqualTo(6);
            assertThatThrownBy(() -> log.append(batch((short) 0, 9, 1)))
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.OUT_OF_ORDER_SEQUENCE);
        }
    }

    @Test
    void anIdempotentRequestMustHoldOneBatch() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            ByteBuffer a = batch((short) 0, 0, 1);
            ByteBuffer b = batch((short) 0, 1, 1);
            ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
            assertThatThrownBy(() -> log.append(both))
                .extracting(IdempotentAppendTest::reasonOf).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
        }
    }

    @Test
    void aProducerSilentLongerThanTheExpirationIsForgotten() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time)) {
            log.append(batch((short) 0, 0, 5)); // record timestamps are 1 ms after the epoch: long silent
            assertThat(log.expireProducers(Long.MAX_VALUE)).as("not yet expired").isEqualTo(1);
            assertThatThrownBy(() -> log.append(batch((short) 0, 9, 1))).isInstanceOf(InvalidBatchException.class);
            assertThat(log.expireProducers(86_400_000L)).isZero();
            assertThat(log.append(batch((short) 0, 9, 1)).firstOffset()).as("any sequence once forgotten").isEqualTo(5);
        }
    }
}
