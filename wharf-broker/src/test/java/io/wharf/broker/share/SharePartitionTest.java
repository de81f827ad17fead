package io.wharf.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.queue.DeliveredRange;
import io.wharf.broker.share.SharePartition.Acknowledgement;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A share partition's record states over a real journal: acquisition with locks, the four acknowledgements,
 * lock expiry, the delivery count limit, the lock limit, and what a reopened journal restores.
 */
class SharePartitionTest {
    private static final long A = 1;
    private static final long B = 2;
    private static final SharePartitions.Key KEY = new SharePartitions.Key("group", "orders", 0);

    @TempDir
    Path dir;

    private LogManager logs() {
        LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        return logs;
    }

    private static SharePartitions partitions(LogManager logs, int limit, int lockMs, int maxLocks) {
        return new SharePartitions(logs, LogConfig.defaults(), new ShareSettings(limit, lockMs, maxLocks));
    }

    @Test
    void acquiresAvailableRecordsInOrderAndEachOnce() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).open(KEY, () -> 0, 0);
            assertThat(p.nextToRead(0, 10)).isZero();
            assertThat(p.acquire(A, 0, 10, 4, 0)).containsExactly(new DeliveredRange(0, 3, 1));
            assertThat(p.nextToRead(0, 10)).isEqualTo(4);
            // B reads the same batch: only what A does not hold is acquired.
            assertThat(p.acquire(B, 0, 10, 100, 0)).containsExactly(new DeliveredRange(4, 9, 1));
            assertThat(p.nextToRead(0, 10)).isEqualTo(-1);
            assertThat(p.acquiredCount()).isEqualTo(10);
        }
    }

    @Test
    void acknowledgementsSettleReleaseOrRenewOnlyForTheOwner() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 1_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 4, 100, 0);
            // Not B's records: refused as a whole, nothing changes.
            assertThat(p.acknowledge(B, 0, 0, List.of(Acknowledgement.ACCEPT), 0)).isFalse();
            assertThat(p.acknowledge(A, 0, 3, List.of(Acknowledgement.ACCEPT, Acknowledgement.REJECT,
                Acknowledgement.RELEASE, Acknowledgement.RENEW), 500)).isTrue();
            assertThat(p.startOffset()).isEqualTo(2);
            // 2 is available again, with its delivery count; 3's lock was renewed at 500 ms, so it survives 1200 ms.
            assertThat(p.expireLocks(1_200)).isZero();
            assertThat(p.acquire(B, 0, 4, 100, 1_200)).containsExactly(new DeliveredRange(2, 2, 2));
            assertThat(p.expireLocks(1_600)).isEqualTo(1);
            assertThat(p.acquire(B, 0, 4, 100, 1_600)).containsExactly(new DeliveredRange(3, 3, 2));
            // A's records are settled or gone to B: A's acknowledgements are refused.
            assertThat(p.acknowledge(A, 0, 0, List.of(Acknowledgement.ACCEPT), 1_600)).isFalse();
            assertThat(p.acknowledge(A, 0, 1, List.of(Acknowledgement.ACCEPT), 1_600)).isFalse();
            assertThat(p.acknowledge(B, 2, 3, List.of(Acknowledgement.ACCEPT, Acknowledgement.ACCEPT), 1_600)).isTrue();
            assertThat(p.startOffset()).isEqualTo(4);
        }
    }

    @Test
    void aRecordThatKeepsComingBackIsArchivedAtTheDeliveryCountLimit() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 3, 1_000, 100).open(KEY, () -> 0, 0);
            for (int delivery = 1; delivery <= 3; delivery++) {
                assertThat(p.acquire(A, 0, 1, 100, 0)).containsExactly(new DeliveredRange(0, 0, delivery));
                if (delivery % 2 == 0) p.acknowledge(A, 0, 0, List.of(Acknowledgement.RELEASE), 0);
                else p.expireLocks(10_000);
            }
            assertThat(p.startOffset()).isEqualTo(1);
            assertThat(p.acquire(A, 0, 1, 100, 0)).isEmpty();
            assertThat(p.lag(1)).isZero();
        }
    }

    @Test
    void noMoreThanTheLockLimitIsAcquiredAtOnce() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 3).open(KEY, () -> 0, 0);
            assertThat(p.acquire(A, 0, 10, 100, 0)).containsExactly(new DeliveredRange(0, 2, 1));
            assertThat(p.nextToRead(0, 10)).isEqualTo(-1);
            p.acknowledge(A, 1, 1, List.of(Acknowledgement.ACCEPT), 0);
            assertThat(p.acquire(B, 0, 10, 100, 0)).containsExactly(new DeliveredRange(3, 3, 1));
        }
    }

    @Test
    void releasingAMembersRecordsLetsOthersHaveThem() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 2, 100, 0);
            p.acquire(B, 0, 4, 100, 0);
            assertThat(p.releaseAll(A)).isEqualTo(2);
            assertThat(p.acquire(B, 0, 4, 100, 0)).containsExactly(new DeliveredRange(0, 1, 2));
        }
    }

    @Test
    void aReopenedJournalKeepsWhatWasSettledAndTheStartOffset() {
        try (LogManager logs = logs()) {
            SharePartitions partitions = partitions(logs, 5, 30_000, 100);
            // A new share partition starts where it is told (the log end for share.auto.offset.reset=latest).
            SharePartition p = partitions.open(KEY, () -> 5, 0);
            assertThat(p.startOffset()).isEqualTo(5);
            p.acquire(A, 5, 10, 100, 0);
            p.acknowledge(A, 5, 9, List.of(Acknowledgement.ACCEPT, Acknowledgement.RELEASE, Acknowledgement.REJECT,
                Acknowledgement.ACCEPT, Acknowledgement.ACCEPT), 0);
        }
        try (LogManager logs = logs()) {
            SharePartitions partitions = partitions(logs, 5, 30_000, 100);
            assertThat(partitions.existing(new SharePartitions.Key("other", "orders", 0), 0)).isNull();
            SharePartition p = partitions.existing(KEY, 0);
            assertThat(p.startOffset()).isEqualTo(6);
            // Only 6 (released) is delivered again, as its second delivery; a fresh start offset would not be asked for.
            assertThat(p.acquire(B, 0, 10, 100, 0)).containsExactly(new DeliveredRange(6, 6, 2));
        }
    }

    @Test
    void deliveryCountsGoOnAfterARestartAndAnExhaustedRecordIsArchived() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 3, 30_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 4, 100, 0);
            p.releaseAll(A);
            p.acquire(A, 0, 4, 100, 0);
            p.acknowledge(A, 0, 0, List.of(Acknowledgement.ACCEPT), 0);
            p.acknowledge(A, 1, 3, List.of(Acknowledgement.RELEASE), 0);
            assertThat(p.acquire(B, 0, 4, 100, 0)).containsExactly(new DeliveredRange(1, 3, 3));
            p.acknowledge(B, 1, 2, List.of(Acknowledgement.RELEASE), 0);
            // 3 is out for its third delivery, the limit, when the broker stops.
        }
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 3, 30_000, 100).existing(KEY, 0);
            // 1 and 2 were released at the limit (archived); 3 was out for its third delivery: archived at load.
            assertThat(p.startOffset()).isEqualTo(4);
            assertThat(p.acquire(A, 0, 6, 100, 0)).containsExactly(new DeliveredRange(4, 5, 1));
        }
    }

    @Test
    void aCheckpointKeepsTheDeliveryCounts() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 6, 100, 0);
            p.releaseAll(A);
            p.acquire(A, 0, 3, 100, 0);
            // The log start passing offset 1 settles 0 and writes a checkpoint, which drops the journal before it.
            assertThat(p.nextToRead(1, 6)).isEqualTo(3);
        }
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).existing(KEY, 1);
            assertThat(p.startOffset()).isEqualTo(1);
            assertThat(p.acquire(B, 0, 7, 100, 0)).containsExactly(new DeliveredRange(1, 2, 3),
                new DeliveredRange(3, 5, 2), new DeliveredRange(6, 6, 1));
        }
    }

    @Test
    void archivedRecordsAreNeverDeliveredAndHeldOnesStayWithTheirMember() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 1, 100, 0);
            // 0 is held by A: archiving a range passes over it; 1 to 3 (an aborted transaction) go.
            assertThat(p.archive(0, 3)).isEqualTo(3);
            assertThat(p.acquire(B, 0, 6, 100, 0)).containsExactly(new DeliveredRange(4, 5, 1));
            assertThat(p.acknowledge(A, 0, 0, List.of(Acknowledgement.ACCEPT), 0)).isTrue();
            assertThat(p.startOffset()).isEqualTo(4);
        }
    }

    @Test
    void resetMovesTheStartOnlyWhileNothingIsAcquired() {
        try (LogManager logs = logs()) {
            SharePartition p = partitions(logs, 5, 30_000, 100).open(KEY, () -> 0, 0);
            p.acquire(A, 0, 3, 100, 0);
            assertThat(p.resetTo(2, 0)).isFalse();
            p.releaseAll(A);
            assertThat(p.resetTo(2, 0)).isTrue();
            assertThat(p.acquire(A, 0, 3, 100, 0)).containsExactly(new DeliveredRange(2, 2, 1));
        }
    }
}
