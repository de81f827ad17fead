package io.wharf.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    /** A holder that lets go when told to. */
    private static final class FakeHolder implements SessionRegistry.Holder {
        final CompletableFuture<Void> released = new CompletableFuture<>();
        final AtomicInteger toldToGo = new AtomicInteger();

        @Override public void takenOver() { toldToGo.incrementAndGet(); }

        @Override public CompletableFuture<Void> released() { return released; }
    }

    @Test
    void aClaimOfAHeldIdentifierTellsTheHolderAndWaitsUntilItLetGo() {
        SessionRegistry r = new SessionRegistry();
        FakeHolder first = new FakeHolder();
        FakeHolder second = new FakeHolder();
        assertThat(r.claim("dev", first)).isDone();

        CompletableFuture<Void> wait = r.claim("dev", second);

        assertThat(first.toldToGo).hasValue(1);
        assertThat(wait).isNotDone();
        r.release("dev", first);
        assertThat(r.isHeld("dev")).as("the newcomer holds it").isTrue();
        first.released.complete(null);
        assertThat(wait).isDone();
        r.release("dev", second);
        assertThat(r.isHeld("dev")).isFalse();
    }

    @Test
    void identifiersAreIndependent() {
        SessionRegistry r = new SessionRegistry();
        FakeHolder a = new FakeHolder();
        FakeHolder b = new FakeHolder();
        assertThat(r.claim("a", a)).isDone();
        assertThat(r.claim("b", b)).isDone();
        assertThat(a.toldToGo).hasValue(0);
        assertThat(r.size()).isEqualTo(2);
    }

    @Test
    void aDetachedSessionWaitsUntilItsClientResumesIt() {
        SessionRegistry r = new SessionRegistry();
        java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            Session s = new Session("dev", io.netty.handler.codec.mqtt.MqttVersion.MQTT_5, null, null, null, null, 1, 3600, null, null);
            SessionState state = new SessionState(s, java.util.Set.of(7), new Deliveries.Handover(java.util.Map.of(5L, 3),
                java.util.Set.of(4)), null, new SessionState.ExpiryTimer());
            r.detach(state, timers);
            assertThat(r.isDetached("dev")).isTrue();

            SessionState resumed = r.resume("dev");

            assertThat(resumed).isSameAs(state);
            assertThat(resumed.awaitingRelease()).containsExactly(7);
            assertThat(resumed.outbound().unacknowledged()).containsEntry(5L, 3);
            assertThat(resumed.outbound().releasePending()).containsExactly(4);
            assertThat(r.resume("dev")).as("resumed once").isNull();
            assertThat(r.detachedCount()).isZero();
        } finally {
            timers.shutdownNow();
        }
    }
}
