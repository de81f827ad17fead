package io.wharf.kafka.fetch;

import io.wharf.broker.topic.Partition;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * A long-poll fetch waiting for {@code fetch.min.bytes}: it holds no thread. It waits on each partition it
 * reads (a {@link Partition} read waiter, run after every append or DeleteRecords) and on a timer of
 * {@code max.wait.ms}. Each wake-up re-reads; the fetch completes as soon as a pass finds enough bytes or
 * an error, and at the latest when the timer fires, with whatever that last pass finds (as Kafka's
 * DelayedFetch does).
 *
 * <p>Thread-safety: wake-ups come from any appending thread and the timer thread at once. Passes may run
 * concurrently (a pass keeps no state); {@link #done} lets exactly one of them complete the future. The
 * future completes on the thread that won; the connection hops back to its event loop to write.
 */
final class DelayedFetch {
    private final FetchReader reader;
    private final long minBytes;
    private final Set<Partition> partitions;
    private final CompletableFuture<AbstractResponse> response = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Runnable waiter = this::onProgress;
    private volatile ScheduledFuture<?> timer;

    DelayedFetch(FetchReader reader, long minBytes) {
        this.reader = reader;
        this.minBytes = minBytes;
        this.partitions = reader.leaderPartitions();
    }

    /** Starts waiting; the returned future completes with the response. */
    CompletableFuture<AbstractResponse> start(ScheduledExecutorService scheduler, long maxWaitMs) {
        try {
            timer = scheduler.schedule(this::expire, maxWaitMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            complete(reader.read()); // shutting down: answer now
            return response;
        }
        for (Partition partition : partitions) partition.addReadWaiter(waiter);
        // Data appended between the first read and the registration above woke nobody: look once more.
        onProgress();
        return response;
    }

    private void onProgress() {
        if (done.get()) return;
        try {
            FetchReader.Result result = reader.read();
            if (result.bytes() >= minBytes || result.hasError()) complete(result);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void expire() {
        if (done.get()) return;
        try {
            complete(reader.read());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void complete(FetchReader.Result result) {
        if (!finish()) return;
        response.complete(FetchResponse.of(result.response()));
    }

    private void fail(RuntimeException e) {
        if (finish()) response.completeExceptionally(e);
    }

    /** Claims completion and stops waiting; false if another thread already completed. */
    private boolean finish() {
        if (!done.compareAndSet(false, true)) return false;
        for (Partition partition : partitions) partition.removeReadWaiter(waiter);
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
        return true;
    }
}
