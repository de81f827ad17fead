package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells listeners that topic metadata changed: two Curator {@link CuratorCache}s mirror the subtrees
 * {@code /brokers/topics} (assignments and partition states) and {@code /config/topics} (config overrides),
 * and any change in either runs every listener.
 *
 * <p>A notification says "read again", not what changed. Bursts are coalesced: while a run is queued, more
 * changes add nothing, but a change that arrives after a run has begun queues another, so every change is
 * followed by at least one run that starts after it. Listeners also run once when the caches have loaded,
 * which covers changes made while they were loading. They run on one daemon thread of this notifier, never
 * on the caller's thread nor on ZooKeeper's event thread, one at a time and in registration order; a
 * listener that throws is logged and does not stop the others.
 *
 * <p>Thread-safe. The caches start with the first listener and stop on {@link #close()}.
 */
final class TopicChangeNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicChangeNotifier.class);

    private final CuratorFramework client;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean runQueued = new AtomicBoolean();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wharf-metadata-topic-listeners");
        thread.setDaemon(true);
        return thread;
    });
    private List<CuratorCache> caches;
    private boolean closed;

    TopicChangeNotifier(CuratorFramework client) {
        this.client = client;
    }

    synchronized void add(Runnable listener) {
        if (closed) {
            throw new IllegalStateException("The metadata store is closed");
        }
        listeners.add(listener);
        if (caches == null) {
            caches = List.of(CuratorCache.build(client, KafkaZkPaths.TOPICS),
                    CuratorCache.build(client, KafkaZkPaths.TOPIC_CONFIGS));
            for (CuratorCache cache : caches) {
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forAll((type, before, after) -> changed())
                        .forInitialized(this::changed)
                        .afterInitialized()
                        .build());
                cache.start();
            }
        }
    }

    void remove(Runnable listener) {
        listeners.remove(listener);
    }

    private void changed() {
        if (runQueued.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this::runListeners);
            } catch (RejectedExecutionException closing) {
                runQueued.set(false);
            }
        }
    }

    private void runListeners() {
        runQueued.set(false);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("Topic metadata listener {} failed", listener, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (caches != null) {
            caches.forEach(CuratorCache::close);
        }
        dispatcher.shutdown();
        try {
            if (!dispatcher.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Topic metadata listeners still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
