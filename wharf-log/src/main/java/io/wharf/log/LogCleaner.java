package io.wharf.log;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that compacts logs with {@code cleanup.policy=compact}. Each pass picks the logs
 * whose dirty part (the bytes after the cleaner checkpoint) is at least {@code min.cleanable.dirty.ratio}
 * of their cleanable bytes, or holds a segment older than {@code max.compaction.lag.ms}
 * ({@link Compactor#isDue}), and runs a {@link Compactor} on each; the offset it reaches is saved in the
 * directory's {@code cleaner-offset-checkpoint}.
 *
 * <p>It never blocks appends: it reads only inactive, immutable segments without a lock and takes the
 * log's lock only for the moment it swaps cleaned segments in.
 */
final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final LogManager manager;
    private final long backoffMs;
    private final int maxKeys;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private Thread thread;
    private volatile boolean running;

    LogCleaner(LogManager manager, long backoffMs, int maxKeys) {
        this.manager = manager;
        this.backoffMs = backoffMs;
        this.maxKeys = maxKeys;
    }

    void start() {
        running = true;
        thread = new Thread(this::run, "wharf-log-cleaner");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                cleanAll(false);
            } catch (RuntimeException e) {
                LOG.error("Log cleaner pass failed; retrying after {} ms", backoffMs, e);
            }
            lock.lock();
            try {
                if (running) wake.await(Math.max(1, backoffMs), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** One pass over every compacted log; {@code force} ignores the dirty ratio. */
    synchronized void cleanAll(boolean force) {
        Map<Path, Map<LogId, Long>> updates = new HashMap<>();
        for (Map.Entry<LogId, Log> e : manager.allLogs().entrySet()) {
            Log log = e.getValue();
            if (!log.config().compact() || log.isClosed()) continue;
            Path dir = log.dir().getParent();
            Map<LogId, Long> checkpoint = updates.computeIfAbsent(dir,
                d -> new HashMap<>(manager.cleanerCheckpoint(d).read()));
            long firstDirty = Math.max(checkpoint.getOrDefault(e.getKey(), 0L), log.logStartOffset());
            Compactor compactor = new Compactor(log, maxKeys);
            if (!force && !compactor.isDue(firstDirty)) continue;
            long cleanedTo = compactor.compact(firstDirty);
            if (cleanedTo != firstDirty) {
                checkpoint.put(e.getKey(), cleanedTo);
                LOG.info("Compacted {} up to offset {}", log.dir(), cleanedTo);
            }
        }
        updates.forEach((dir, offsets) -> {
            offsets.keySet().removeIf(id -> manager.getLog(id).isEmpty());
            manager.cleanerCheckpoint(dir).write(offsets);
        });
    }

    void shutdown() {
        running = false;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
