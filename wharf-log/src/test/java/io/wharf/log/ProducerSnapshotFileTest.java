package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSnapshotFileTest {
    @TempDir
    Path dir;

    private final List<ProducerState> states = List.of(
        new ProducerState(5, (short) 2, 9, 1234, 40, List.of(
            new ProducerStateManager.BatchMetadata(0, 4, 30, 34, 1200),
            new ProducerStateManager.BatchMetadata(5, 5, 40, 40, 1234))),
        new ProducerState(6, (short) 0, -1, 99, ProducerState.NO_TRANSACTION, List.of()));

    @Test
    void roundTripsEveryField() throws IOException {
        Path file = ProducerSnapshotFile.path(dir, 77);
        assertThat(file.getFileName().toString()).isEqualTo("00000000000000000077.snapshot");
        ProducerSnapshotFile.write(file, states);
        assertThat(ProducerSnapshotFile.read(file)).isEqualTo(states);
        assertThat(dir.resolve("00000000000000000077.snapshot.tmp")).doesNotExist();
    }

    @Test
    void anyFlippedOrMissingByteIsReportedAsCorrupt() throws IOException {
        Path file = ProducerSnapshotFile.path(dir, 77);
        ProducerSnapshotFile.write(file, states);
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(file, bad);
            assertThatThrownBy(() -> ProducerSnapshotFile.read(file)).as("flip at %d", i)
                .isInstanceOf(ProducerSnapshotFile.CorruptSnapshotException.class)
                .hasMessageContaining(file.toString());
        }
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 3));
        assertThatThrownBy(() -> ProducerSnapshotFile.read(file))
            .isInstanceOf(ProducerSnapshotFile.CorruptSnapshotException.class);
    }

    @Test
    void theDirectoryKeepsTheNewestAndTheOneAtTheRecoveryPoint() {
        ProducerSnapshots snapshots = new ProducerSnapshots(dir);
        for (long offset : new long[] {10, 20, 30, 40, 50, 60}) snapshots.write(offset, states);
        snapshots.retain(25);
        assertThat(snapshots.offsets()).containsExactly(20L, 40L, 50L, 60L);
        snapshots.deleteAbove(45);
        snapshots.deleteBelow(30);
        assertThat(new ProducerSnapshots(dir).offsets()).containsExactly(40L);
    }
}
