package io.wharf.kafka.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Runs handler work that blocks — ZooKeeper reads and writes, file-system queries — on a few daemon threads
 * of its own, so that the event loops never wait on ZooKeeper. The connection still sends responses in
 * request order, whichever thread finishes first.
 *
 * <p>Threads are started on demand and end after a minute idle, so a pool whose broker has stopped leaves
 * nothing running and needs no shutdown. Thread-safe.
 */
public final class BlockingWork {
    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    /**
     * @param name    names the threads ({@code wharf-<name>-N})
     * @param threads how many requests may run at once; 1 serialises them
     */
    public BlockingWork(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "wharf-" + name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on this pool; a failure completes the future exceptionally. */
    public CompletableFuture<AbstractResponse> submit(Supplier<AbstractResponse> work) {
        return CompletableFuture.supplyAsync(work, pool);
    }
}
