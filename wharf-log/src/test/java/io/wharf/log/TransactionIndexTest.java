package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionIndexTest {
    @TempDir
    Path dir;

    private final AbortedTransaction first = new AbortedTransaction(7, 100, 110, 111);
    private final AbortedTransaction second = new AbortedTransaction(8, 105, 120, 115);

    @Test
    void entriesAreKafkasThirtyFourByteLayoutAndSurviveAReopen() throws IOException {
        Path file = dir.resolve("00000000000000000100.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        assertThat(file).doesNotExist();
        index.append(first);
        index.append(second);
        index.flush();
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(68);
        assertThat(bytes.getShort(34)).isZero();
        assertThat(bytes.getLong(34 + 2)).isEqualTo(8);
        assertThat(bytes.getLong(34 + 10)).isEqualTo(105);
        assertThat(bytes.getLong(34 + 18)).isEqualTo(120);
        assertThat(bytes.getLong(34 + 26)).isEqualTo(115);
        assertThat(new TransactionIndex(file).all()).containsExactly(first, second);
    }

    @Test
    void aTornLastEntryIsDroppedOnLoadAndOverwritten() throws IOException {
        Path file = dir.resolve("00000000000000000100.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        index.append(first);
        Files.write(file, new byte[] {0, 0, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        TransactionIndex reopened = new TransactionIndex(file);
        assertThat(reopened.all()).containsExactly(first);
        reopened.append(second);
        assertThat(Files.size(file)).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
        assertThat(new TransactionIndex(file).all()).containsExactly(first, second);
    }

    @Test
    void markersMustMoveForwardAndTruncationDropsEntriesFromTheCut() throws IOException {
        Path file = dir.resolve("00000000000000000100.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        index.append(first);
        index.append(second);
        assertThatThrownBy(() -> index.append(new AbortedTransaction(9, 100, 120, 121)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString());
        index.truncateTo(120);
        assertThat(index.all()).containsExactly(first);
        assertThat(Files.size(file)).isEqualTo(TransactionIndex.ENTRY_SIZE);
        index.truncateTo(0);
        assertThat(index.isEmpty()).isTrue();
        assertThat(index.lastMarkerOffset()).isEqualTo(-1);
    }

    @Test
    void collectStopsOnceAnEntrysLastStableOffsetReachesTheBound() {
        TransactionIndex index = new TransactionIndex(dir.resolve("00000000000000000000.txnindex"));
        index.append(new AbortedTransaction(1, 0, 10, 5));
        index.append(new AbortedTransaction(2, 5, 12, 13));
        index.append(new AbortedTransaction(3, 13, 20, 21));
        List<AbortedTransaction> out = new ArrayList<>();
        assertThat(index.collect(11, 13, out)).isTrue();
        assertThat(out).extracting(AbortedTransaction::producerId).containsExactly(2L);
        out.clear();
        assertThat(index.collect(0, 100, out)).isFalse();
        assertThat(out).hasSize(3);
    }
}
