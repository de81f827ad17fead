package io.wharf.broker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueueCursorTest {
    @Test
    void deliversInOrderAndAdvancesTheFloorOverContiguousSettlements() {
        QueueCursor c = new QueueCursor(0);
        assertThat(c.nextReady(3)).isEqualTo(0);
        assertThat(c.deliver(0, 7)).isEqualTo(1);
        assertThat(c.nextReady(3)).isEqualTo(1);
        c.deliver(1, 7);
        c.deliver(2, 7);
        assertThat(c.nextReady(3)).isEqualTo(-1);
        assertThat(c.settle(1)).isTrue();
        assertThat(c.floor()).isZero();
        assertThat(c.settle(0)).isTrue();
        assertThat(c.floor()).isEqualTo(2);
        assertThat(c.settle(0)).isFalse();
        assertThat(c.inFlightCount()).isEqualTo(1);
    }

    @Test
    void requeuedOffsetsGoOutFirstWithTheirDeliveryCount() {
        QueueCursor c = new QueueCursor(10);
        c.deliver(10, 1);
        c.deliver(11, 1);
        assertThat(c.requeueAll(1)).isEqualTo(2);
        assertThat(c.readyCount(13)).isEqualTo(3);
        assertThat(c.nextReady(13)).isEqualTo(10);
        assertThat(c.deliver(10, 2)).isEqualTo(2);
        assertThat(c.nextReady(13)).isEqualTo(11);
        assertThat(c.deliver(11, 2)).isEqualTo(2);
        assertThat(c.nextReady(13)).isEqualTo(12);
        assertThat(c.deliver(12, 2)).isEqualTo(1);
        assertThat(c.requeue(99)).isFalse();
    }

    @Test
    void restoredCursorSkipsSettledOffsetsAboveTheFloor() {
        QueueCursor c = QueueCursor.restore(5, List.of(5L, 7L, 9L));
        assertThat(c.floor()).isEqualTo(6);
        assertThat(c.readyCount(10)).isEqualTo(2);
        assertThat(c.nextReady(10)).isEqualTo(6);
        c.deliver(6, 1);
        assertThat(c.nextReady(10)).isEqualTo(8);
        c.deliver(8, 1);
        assertThat(c.nextReady(10)).isEqualTo(-1);
    }

    @Test
    void settleBelowDropsEverythingUnderTheOffset() {
        QueueCursor c = new QueueCursor(0);
        c.deliver(0, 1);
        c.deliver(1, 1);
        c.requeue(1);
        java.util.List<Long> dropped = new java.util.ArrayList<>();
        c.settleBelow(3, dropped::add);
        assertThat(dropped).containsExactly(0L, 1L, 2L);
        assertThat(c.floor()).isEqualTo(3);
        assertThat(c.inFlightCount()).isZero();
        assertThat(c.requeuedCount()).isZero();
        assertThat(c.nextReady(5)).isEqualTo(3);
    }
}
