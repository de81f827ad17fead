package io.wharf.kafka.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    private static Assignment of(Integer... partitions) {
        return Assignment.of(Map.of("t", Set.of(partitions)));
    }

    @Test
    void aMemberRevokesFirstAndMovesToTheNewEpochOnlyOnceItHas() {
        Reconciliation.Position stable = new Reconciliation.Position(3, MemberState.STABLE, of(0, 1, 2, 3), Assignment.EMPTY);

        Reconciliation.Position revoking = Reconciliation.next(stable, 4, of(0, 1), null, (t, p) -> false);
        assertThat(revoking).isEqualTo(new Reconciliation.Position(3, MemberState.UNREVOKED_PARTITIONS, of(0, 1), of(2, 3)));

        assertThat(Reconciliation.next(revoking, 4, of(0, 1), of(0, 1, 2, 3), (t, p) -> false))
            .as("still owning what it must give up").isEqualTo(revoking);
        assertThat(Reconciliation.next(revoking, 4, of(0, 1), null, (t, p) -> false))
            .as("said nothing about what it owns").isEqualTo(revoking);

        assertThat(Reconciliation.next(revoking, 4, of(0, 1), of(0, 1), (t, p) -> false))
            .isEqualTo(new Reconciliation.Position(4, MemberState.STABLE, of(0, 1), Assignment.EMPTY));
    }

    @Test
    void aPartitionStillOwnedByAnotherMemberIsGivenOnlyOnceReleased() {
        Reconciliation.Position stable = new Reconciliation.Position(3, MemberState.STABLE, of(0), Assignment.EMPTY);
        Reconciliation.Position waiting = Reconciliation.next(stable, 4, of(0, 1, 2), of(0), (t, p) -> p == 2);
        assertThat(waiting).isEqualTo(new Reconciliation.Position(4, MemberState.UNRELEASED_PARTITIONS, of(0, 1),
            Assignment.EMPTY));

        assertThat(Reconciliation.next(waiting, 4, of(0, 1, 2), of(0, 1), (t, p) -> p == 2)).isEqualTo(waiting);
        assertThat(Reconciliation.next(waiting, 4, of(0, 1, 2), of(0, 1), (t, p) -> false))
            .isEqualTo(new Reconciliation.Position(4, MemberState.STABLE, of(0, 1, 2), Assignment.EMPTY));
    }

    @Test
    void aStableMemberAtTheTargetStaysPut() {
        Reconciliation.Position stable = new Reconciliation.Position(5, MemberState.STABLE, of(0, 1), Assignment.EMPTY);
        assertThat(Reconciliation.next(stable, 5, of(0, 1), of(0, 1), (t, p) -> true)).isSameAs(stable);
        assertThat(Reconciliation.next(stable, 6, of(0, 1), null, (t, p) -> false))
            .as("a new epoch with the same partitions").isEqualTo(new Reconciliation.Position(6, MemberState.STABLE, of(0, 1),
                Assignment.EMPTY));
    }
}
