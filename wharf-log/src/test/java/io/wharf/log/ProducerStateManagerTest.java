package io.wharf.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.record.RecordBatch;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProducerStateManagerTest {
    private static RecordBatch at(ByteBuffer batch, long offset) {
        RecordBatch b = RecordBatch.at(batch, 0);
        b.setBaseOffset(offset);
        return b;
    }

    @Test
    void aProducerWithAnOpenTransactionNeverExpires() {
        ProducerStateManager producers = new ProducerStateManager();
        producers.update(at(TestLogs.transactional(1, (short) 0, 0, null, "open"), 0), 0, 0);
        producers.update(at(TestLogs.transactional(2, (short) 0, 0, null, "done"), 1), 0, 80);
        producers.update(at(new TransactionMarker(ControlType.COMMIT, 0).toBatch(2, (short) 0, 1), 2), 0, 160);
        producers.expire(Long.MAX_VALUE, 1000);
        assertThat(producers.producerCount()).isEqualTo(1);
        assertThat(producers.epochOf(1)).contains((short) 0);
        assertThat(producers.firstUnstableOffset()).isEqualTo(new LogOffsetMetadata(0, 0, 0));
    }

    @Test
    void aSnapshotRestoresOpenTransactionsByOffsetUntilTheirPositionIsResolved() {
        ProducerStateManager producers = new ProducerStateManager();
        producers.update(at(TestLogs.transactional(1, (short) 3, 0, null, "a"), 10), 0, 500);
        ProducerStateManager restored = new ProducerStateManager();
        restored.restore(producers.snapshot());
        assertThat(restored.firstUnstableOffset()).isEqualTo(LogOffsetMetadata.offsetOnly(10));
        restored.resolvePositions(offset -> new LogOffsetMetadata(offset, 0, 500));
        assertThat(restored.firstUnstableOffset()).isEqualTo(producers.firstUnstableOffset());
        assertThat(restored.snapshot()).isEqualTo(producers.snapshot());
    }
}
