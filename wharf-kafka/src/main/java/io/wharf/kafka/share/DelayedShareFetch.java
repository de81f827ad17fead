package io.wharf.kafka.share;

import io.wharf.broker.topic.Partition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ShareFetchResponse;

/**
 * A ShareFetch waiting for records: it holds no thread. It waits on each partition of the session (a read
 * waiter, run after every append) and on a timer of {@code MaxWaitMs}; each wake-up runs the pass again, and
 * the first pass that acquires anything — or the one the timer runs — answers.
 *
 * <p>Unlike a plain fetch, a pass changes state (it acquires records), so passes must not overlap and none may
 * run after the answer is chosen: they run under this object's monitor, which wake-ups from appending threads
 * and the timer take in turn. A pass is quick (index lookups, batch headers, in-memory cursor updates).
 */
final class DelayedShareFetch {
    private final ShareFetchHandler.ShareFetchPass pass;
    private final List<Partition> partitions;
    private final CompletableFuture<AbstractResponse> response = new CompletableFuture<>();
    private final Runnable waiter = this::onProgress;
    private boolean done;
    private ScheduledFuture<?> timer;

    DelayedShareFetch(ShareFetchHandler.ShareFetchPass pass, List<Partition> partitions) {
        this.pass = pass;
        this.partitions = List.copyOf(partitions);
    }

    CompletableFuture<AbstractResponse> start(ScheduledExecutorService scheduler, long maxWaitMs) {
        synchronized (this) {
            try {
                timer = scheduler.schedule(this::expire, maxWaitMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                finish(pass.run()); // shutting down: answer now
                return response;
            }
        }
        for (Partition partition : partitions) partition.addReadWaiter(waiter);
        // Records appended between the first pass and the registration above woke nobody: look once more.
        onProgress();
        return response;
    }

    private synchronized void onProgress() {
        if (done) return;
        try {
            ShareFetchResponse result = pass.run();
            if (pass.acquired() > 0) finish(result);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private synchronized void expire() {
        if (done) return;
        try {
            finish(pass.run());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void finish(ShareFetchResponse result) {
        stop();
        response.complete(result);
    }

    private void fail(RuntimeException e) {
        stop();
        response.completeExceptionally(e);
    }

    private void stop() {
        done = true;
        for (Partition partition : partitions) partition.removeReadWaiter(waiter);
        if (timer != null) timer.cancel(false);
    }
}
