package io.wharf.mqtt.flow;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alives of all MQTT connections on one event loop [MQTT-3.1.2-24]: one timer checks them all every
 * {@value #TICK_MS} ms, instead of a handler and a scheduled task per connection (an {@code IdleStateHandler} costs
 * about 260 bytes of heap per connection, and a task in the event loop's queue that is rescheduled at every expiry).
 * The times are kept in arrays, so that a check of tens of thousands of connections reads two arrays through; a
 * connection's {@link Watch} only knows its slot. A client is due once nothing came from it for its timeout; it is
 * told so at the first check after that, within {@value #TICK_MS} ms.
 *
 * <p>Confined to its event loop; the timer runs while a connection is watched.
 */
public final class KeepAliveSweep {
    static final long TICK_MS = 200;

    private final EventLoop loop;
    private Watch[] watches = new Watch[16];
    /** {@link System#nanoTime} of the last packet from each watched client. */
    private long[] lastHeard = new long[16];
    private long[] timeoutNanos = new long[16];
    private int size;
    private ScheduledFuture<?> timer;

    public KeepAliveSweep(EventLoop loop) {
        this.loop = loop;
    }

    /** One connection's keep-alive, from now on; {@link #touch} at each packet, {@link #cancel} at the end. */
    public final class Watch {
        private final Runnable expired;
        private int slot;

        private Watch(Runnable expired) {
            this.expired = expired;
        }

        /** A packet came: the client is heard of. */
        public void touch() {
            if (slot >= 0) lastHeard[slot] = System.nanoTime();
        }

        /** The connection is gone. Safe to call more than once. */
        public void cancel() {
            if (slot >= 0) remove(slot);
        }
    }

    /**
     * Watches a client that must send something at least every {@code timeoutMs}; {@code expired} runs on the event
     * loop at each check that finds it silent for longer (it must close the connection, or {@link Watch#touch} to
     * wait again).
     */
    public Watch watch(long timeoutMs, Runnable expired) {
        assert loop.inEventLoop();
        if (size == watches.length) {
            watches = Arrays.copyOf(watches, size * 2);
            lastHeard = Arrays.copyOf(lastHeard, size * 2);
            timeoutNanos = Arrays.copyOf(timeoutNanos, size * 2);
        }
        Watch w = new Watch(expired);
        w.slot = size;
        watches[size] = w;
        lastHeard[size] = System.nanoTime();
        timeoutNanos[size] = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        size++;
        if (timer == null) timer = loop.scheduleAtFixedRate(this::check, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return w;
    }

    /** The connections watched now (for tests). */
    public int size() { return size; }

    private void remove(int slot) {
        watches[slot].slot = -1;
        int last = --size;
        if (slot != last) {
            watches[slot] = watches[last];
            lastHeard[slot] = lastHeard[last];
            timeoutNanos[slot] = timeoutNanos[last];
            watches[slot].slot = slot;
        }
        watches[last] = null;
        if (size == 0 && timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        long now = System.nanoTime();
        List<Watch> due = null;
        for (int i = 0; i < size; i++) {
            if (now - lastHeard[i] >= timeoutNanos[i]) {
                if (due == null) due = new ArrayList<>();
                due.add(watches[i]);
            }
        }
        if (due == null) return;
        for (Watch w : due) {
            if (w.slot >= 0) w.expired.run(); // one closed by an earlier one's expiry is skipped
        }
    }
}
