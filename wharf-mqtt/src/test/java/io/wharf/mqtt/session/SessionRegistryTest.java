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
}
