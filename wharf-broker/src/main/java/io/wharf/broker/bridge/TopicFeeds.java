package io.wharf.broker.bridge;

import io.wharf.broker.store.KeyedLog;
import io.wharf.broker.topic.TopicManager;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link TopicFeed}s of a broker: one thread that reads for all of them, and their positions in the internal
 * log {@value #POSITIONS_LOG}.
 *
 * <p>Thread-safe.
 */
public final class TopicFeeds implements AutoCloseable {
    public static final String POSITIONS_LOG = "feed~positions";
    private static final long RESCAN_MS = 1000;

    private final TopicManager topics;
    private final KeyedLog log;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-topic-feeds");
        t.setDaemon(true);
        return t;
    });
    private final List<TopicFeed> feeds = new ArrayList<>();
    private FeedPositions positions;

    private TopicFeeds(TopicManager topics, KeyedLog log) {
        this.topics = topics;
        this.log = log;
    }

    /** Opens the positions log (loading it) and starts the thread. */
    public static TopicFeeds open(LogManager logs, LogConfig defaults, TopicManager topics) {
        TopicFeeds feeds = new TopicFeeds(topics, KeyedLog.open(logs, POSITIONS_LOG, defaults));
        feeds.call(() -> feeds.positions = new FeedPositions(feeds.log));
        return feeds;
    }

    /**
     * Starts following {@code topic} as the feed {@code name} (its positions are kept under that name), handing its
     * records to {@code sink} on this object's thread.
     */
    public synchronized TopicFeed follow(String name, String topic, TopicFeed.RecordSink sink) {
        TopicFeed feed = new TopicFeed(name, topic, topics, positions, thread, sink);
        feeds.add(feed);
        call(feed::rescan);
        thread.scheduleWithFixedDelay(feed::rescan, RESCAN_MS, RESCAN_MS, TimeUnit.MILLISECONDS);
        return feed;
    }

    /** Runs {@code task} on the thread and waits for it, so that what it sets up is there when this returns. */
    private void call(Runnable task) {
        try {
            thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting a topic feed", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Stops every feed and the thread; positions already stored stay. */
    @Override
    public synchronized void close() {
        try {
            call(() -> feeds.forEach(TopicFeed::close));
        } catch (RuntimeException e) {
            // Already stopped.
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
