package io.wharf.broker.queue;

import io.wharf.log.Log;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for messages that must be on disk before they are confirmed (persistent messages on durable
 * queues): callers ask for a log to be flushed up to an offset and get a future; one thread flushes each
 * log once for everything asked of it since its last pass, then completes the futures. Under load one
 * {@code fsync} covers many messages, which is what keeps confirms fast.
 *
 * <p>Futures complete on the flusher's thread: callers hop to their own thread before acting.
 * Thread-safe.
 */
public final class LogFlusher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    private record Waiter(long offset, CompletableFuture<Void> done) {
    }

    private final Object lock = new Object();
    private Map<Log, List<Waiter>> pending = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public LogFlusher() {
        thread = new Thread(this::run, "wharf-log-flusher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes once {@code log} is on disk below {@code offset}. */
    public CompletableFuture<Void> flushed(Log log, long offset) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("The broker is shutting down"));
                return done;
            }
            pending.computeIfAbsent(log, l -> new ArrayList<>()).add(new Waiter(offset, done));
            lock.notify();
        }
        return done;
    }

    private void run() {
        while (true) {
            Map<Log, List<Waiter>> batch;
            synchronized (lock) {
                while (pending.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty()) return;
                batch = pending;
                pending = new HashMap<>();
            }
            batch.forEach(this::flush);
        }
    }

    private void flush(Log log, List<Waiter> waiters) {
        long upTo = 0;
        for (Waiter w : waiters) upTo = Math.max(upTo, w.offset());
        try {
            log.flush(upTo);
            for (Waiter w : waiters) w.done().complete(null);
        } catch (RuntimeException e) {
            LOG.error("Cannot flush {} to offset {}", log, upTo, e);
            for (Waiter w : waiters) w.done().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notify();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
