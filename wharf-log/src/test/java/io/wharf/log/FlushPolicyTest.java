package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flush.messages and flush.ms move the recovery point; by default nothing is flushed before close. */
class FlushPolicyTest {
    @TempDir
    Path dir;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);

    @Test
    void byDefaultFlushingIsLeftToTheOperatingSystemUntilClose() {
        Log log = TestLogs.open(dir, TestLogs.smallConfig().build(), time);
        for (int i = 0; i < 100; i++) log.append(batch(i, 1, 1));
        time.advance(3_600_000);
        log.flushIfDue();
        assertThat(log.recoveryPoint()).isZero();
        log.close();
        assertThat(log.recoveryPoint()).isEqualTo(100);
    }

    @Test
    void flushMessagesFlushesEveryNMessages() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().flushIntervalMessages(10).build(), time)) {
            for (int i = 0; i < 9; i++) log.append(batch(i, 1, 1));
            assertThat(log.recoveryPoint()).isZero();
            log.append(batch(9, 1, 1));
            assertThat(log.recoveryPoint()).isEqualTo(10);
            log.append(batch(10, 3, 1));
            assertThat(log.recoveryPoint()).isEqualTo(10);
            for (int i = 0; i < 7; i++) log.append(batch(13 + i, 1, 1));
            assertThat(log.recoveryPoint()).isEqualTo(20);
        }
    }

    @Test
    void flushMsFlushesWhenTheIntervalHasPassed() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().flushIntervalMs(1000).build(), time)) {
            log.append(batch(0, 5, 1));
            time.advance(999);
            log.flushIfDue();
            assertThat(log.recoveryPoint()).isZero();
            time.advance(1);
            log.flushIfDue();
            assertThat(log.recoveryPoint()).isEqualTo(5);
        }
    }

    @Test
    void theRecoveryPointCheckpointBoundsRecoveryAfterACrash() {
        try (Log log = TestLogs.open(dir, TestLogs.smallConfig().segmentBytes(1024).flushIntervalMessages(1).build(), time)) {
            for (int i = 0; i < 50; i++) log.append(batch(i, 1, 1));
            assertThat(log.recoveryPoint()).isEqualTo(50);
        }
        // Reopened as after a crash with the checkpointed recovery point: nothing to cut, same end.
        try (Log log = Log.open(dir, TestLogs.smallConfig().segmentBytes(1024).build(),
            new CheckpointedOffsets(50, 0, 50), false, time, null)) {
            assertThat(log.logEndOffset()).isEqualTo(50);
            assertThat(log.recoveryPoint()).isEqualTo(50);
        }
    }
}
