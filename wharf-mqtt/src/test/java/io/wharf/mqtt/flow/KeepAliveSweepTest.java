package io.wharf.mqtt.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeepAliveSweepTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final KeepAliveSweep sweep = new KeepAliveSweep(loop);
    /** The names of the clients found silent, with when (ms after the watch began). */
    private final BlockingQueue<String> expired = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    /** Watches a client that closes at its first expiry, as a connection does. */
    private KeepAliveSweep.Watch watch(String name, long timeoutMs) throws Exception {
        KeepAliveSweep.Watch[] w = new KeepAliveSweep.Watch[1];
        return onLoop(() -> {
            long start = System.nanoTime();
            w[0] = sweep.watch(timeoutMs, () -> {
                expired.add(name + " " + (System.nanoTime() - start) / 1_000_000);
                w[0].cancel();
            });
            return w[0];
        });
    }

    @Test
    void aSilentClientIsDueNotBeforeItsTimeoutAndAtTheNextCheckAfterIt() throws Exception {
        watch("silent", 500);
        String[] got = expired.poll(5, TimeUnit.SECONDS).split(" ");
        assertThat(got[0]).isEqualTo("silent");
        assertThat(Long.parseLong(got[1])).isBetween(500L, 500L + KeepAliveSweep.TICK_MS + 150);
        assertThat(onLoop(sweep::size)).as("no longer watched once closed").isZero();
    }

    @Test
    void aClientThatIsHeardOfIsNotDue() throws Exception {
        KeepAliveSweep.Watch talking = watch("talking", 400);
        watch("silent", 400);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
        while (System.nanoTime() < until) {
            loop.execute(talking::touch);
            Thread.sleep(50);
        }
        assertThat(expired.poll(1, TimeUnit.SECONDS)).startsWith("silent ");
        assertThat(expired.poll(300, TimeUnit.MILLISECONDS)).as("the talking client is left alone").isNull();
        assertThat(onLoop(sweep::size)).isEqualTo(1);
    }

    @Test
    void cancellingOneLeavesTheOthersWatchedInTheirOwnSlots() throws Exception {
        List<KeepAliveSweep.Watch> watches = new ArrayList<>();
        for (int i = 0; i < 40; i++) watches.add(watch("c" + i, i % 2 == 0 ? 60_000 : 300));
        // Cancel the long-lived ones, from the front: every removal moves the last client into the freed slot.
        for (int i = 0; i < 40; i += 2) {
            KeepAliveSweep.Watch w = watches.get(i);
            onLoop(() -> {
                w.cancel();
                w.cancel(); // a second cancel is harmless
                return null;
            });
        }
        assertThat(onLoop(sweep::size)).isEqualTo(20);
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 20; i++) due.add(expired.poll(5, TimeUnit.SECONDS).split(" ")[0]);
        List<String> odd = new ArrayList<>();
        for (int i = 1; i < 40; i += 2) odd.add("c" + i);
        assertThat(due).containsExactlyInAnyOrderElementsOf(odd);
        assertThat(onLoop(sweep::size)).isZero();
    }
}
