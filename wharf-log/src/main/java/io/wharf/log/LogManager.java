package io.wharf.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the log directories ({@code log.dirs}) and every log in them.
 *
 * <p>Start-up locks each directory ({@code .lock}), checks it is writable, and loads its logs. A
 * {@code .wharf_cleanshutdown} marker, written as the last step of a clean shutdown, means every log was
 * flushed and closed, so nothing needs recovering; without it, each log is recovered from its
 * checkpointed recovery point. Background tasks flush by {@code flush.ms}, apply retention, write the
 * offset checkpoints, and (with {@code log.cleaner.enable}) compact logs with
 * {@code cleanup.policy=compact}.
 *
 * <p>Thread-safety: every public method may be called from any thread.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    static final String CLEAN_SHUTDOWN_FILE = ".wharf_cleanshutdown";
    static final String LOCK_FILE = ".lock";
    static final String DELETE_DIR_SUFFIX = "-delete";

    private final List<Path> dirs;
    private final LogConfig defaultConfig;
    private final LogManagerSettings settings;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final Map<LogId, Log> logs = new ConcurrentHashMap<>();
    private final Map<Path, LogCheckpoints> checkpoints = new LinkedHashMap<>();
    private final Map<Path, FileLock> locks = new HashMap<>();
    private final Map<Path, Boolean> cleanShutdown = new HashMap<>();
    private LogCleaner cleaner;
    private volatile boolean started;

    public LogManager(List<Path> dirs, LogConfig defaultConfig, LogManagerSettings settings, Time time) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("At least one log directory is needed");
        this.dirs = dirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.defaultConfig = defaultConfig;
        this.settings = settings;
        this.time = time;
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "wharf-log-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    public LogConfig defaultConfig() { return defaultConfig; }
    public List<Path> dirs() { return dirs; }

    /**
     * Locks and loads every directory. Throws {@link LogDirException} naming the directory if one cannot
     * be created, written or locked.
     */
    public synchronized void startup() {
        for (Path dir : dirs) prepare(dir);
        for (Path dir : dirs) loadLogs(dir);
        // Checkpoints now, so that a directory without the clean-shutdown marker but with checkpoints
        // always means the previous run did not shut down cleanly.
        started = true;
        checkpoint();
        schedule(this::deleteOldSegments, settings.retentionCheckIntervalMs());
        schedule(this::flushDueLogs, settings.flushCheckIntervalMs());
        schedule(this::checkpoint, settings.checkpointIntervalMs());
        if (settings.cleanerEnabled()) {
            cleaner = new LogCleaner(this, settings.cleanerBackoffMs(), settings.cleanerMaxKeys());
            cleaner.start();
        }
    }

    private void schedule(Runnable task, long intervalMs) {
        if (intervalMs <= 0 || intervalMs == Long.MAX_VALUE) return;
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Log maintenance task failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LogDirException("Cannot create log directory " + dir + " (log.dirs): " + e, e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new LogDirException("Log directory " + dir + " (log.dirs) is not a writable directory", null);
        }
        try {
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new LogDirException("Log directory " + dir + " (log.dirs) is not writable: " + e, e);
        }
        try {
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new LogDirException("Log directory " + dir + " is in use by another broker process (" + LOCK_FILE
                    + " is locked)", null);
            }
            locks.put(dir, lock);
        } catch (OverlappingFileLockException e) {
            throw new LogDirException("Log directory " + dir + " is already used by this process (listed twice in"
                + " log.dirs, or another broker in this JVM)", e);
        } catch (IOException e) {
            throw new LogDirException("Cannot lock log directory " + dir + ": " + e, e);
        }
        Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(marker);
        cleanShutdown.put(dir, clean);
        checkpoints.put(dir, new LogCheckpoints(dir));
    }

    private void loadLogs(Path dir) {
        boolean clean = cleanShutdown.get(dir);
        Map<LogId, CheckpointedOffsets> offsets = checkpoints.get(dir).read();
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new LogDirException("Cannot list log directory " + dir + ": " + e, e);
        }
        long started = System.nanoTime();
        int loaded = 0;
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (name.startsWith(".")) continue; // not a log: hidden directories belong to others (embedded ZooKeeper)
            if (name.endsWith(DELETE_DIR_SUFFIX)) {
                LogFiles.deleteRecursively(child);
                continue;
            }
            Optional<LogId> id = LogId.parseDirName(name);
            if (id.isEmpty()) {
                LOG.warn("Ignoring {}: not a log directory (expected <name>-<partition>)", child);
                continue;
            }
            Log log = Log.open(child, defaultConfig, offsets.getOrDefault(id.get(), CheckpointedOffsets.NONE), clean,
                time, scheduler);
            logs.put(id.get(), log);
            loaded++;
        }
        try {
            Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN_FILE));
        } catch (IOException e) {
            throw new LogDirException("Cannot remove " + CLEAN_SHUTDOWN_FILE + " from " + dir + ": " + e, e);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (clean) {
            LOG.info("Loaded {} log(s) from {} in {} ms; the last shutdown was clean, nothing to recover", loaded, dir, ms);
        } else if (loaded > 0 || Files.exists(dir.resolve(LogCheckpoints.RECOVERY_POINT))) {
            LOG.warn("Loaded {} log(s) from {} in {} ms after an unclean shutdown; unflushed segments were recovered",
                loaded, dir, ms);
        } else {
            LOG.info("Log directory {} is new", dir);
        }
    }

    /**
     * The log with {@code config}, creating its directory in the least used log dir if it does not exist. A
     * log loaded from disk at start-up was opened with the broker's defaults (its settings are not on disk):
     * it takes {@code config} here, so that a queue's log, say, does not keep the default 7-day retention.
     */
    public Log getOrCreateLog(LogId id, LogConfig config) {
        checkStarted();
        boolean[] created = {false};
        Log log = logs.computeIfAbsent(id, key -> {
            created[0] = true;
            Path dir = leastLoadedDir().resolve(key.dirName());
            return Log.open(dir, config, CheckpointedOffsets.NONE, true, time, scheduler);
        });
        if (!created[0] && !log.config().equals(config)) log.updateConfig(config);
        return log;
    }

    public Optional<Log> getLog(LogId id) { return Optional.ofNullable(logs.get(id)); }

    public Map<LogId, Log> allLogs() { return Collections.unmodifiableMap(logs); }

    /** Which log directory holds the log (DescribeLogDirs). */
    public Optional<Path> logDirOf(LogId id) {
        Log log = logs.get(id);
        return log == null ? Optional.empty() : Optional.of(log.dir().getParent());
    }

    private Path leastLoadedDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (Path d : dirs) counts.put(d, 0);
        for (Log log : logs.values()) counts.merge(log.dir().getParent(), 1, Integer::sum);
        Path best = dirs.get(0);
        for (Path d : dirs) if (counts.get(d) < counts.get(best)) best = d;
        return best;
    }

    /**
     * Removes a log: it stops serving at once, its directory is renamed {@code <dir>.<uuid>-delete} and
     * deleted in the background (a restart finishes the job).
     */
    public boolean deleteLog(LogId id) {
        Log log = logs.remove(id);
        if (log == null) return false;
        Path target = log.dir().resolveSibling(log.dir().getFileName() + "." + UUID.randomUUID().toString()
            .replace("-", "") + DELETE_DIR_SUFFIX);
        log.lock().lock();
        try {
            log.close();
            Files.move(log.dir(), target);
        } catch (IOException e) {
            LOG.warn("Cannot rename {} for deletion; deleting in place", log.dir(), e);
            target = log.dir();
        } finally {
            log.lock().unlock();
        }
        Path doomed = target;
        scheduler.execute(() -> LogFiles.deleteRecursively(doomed));
        return true;
    }

    /**
     * Applies retention to every log now (also runs every {@code log.retention.check.interval.ms}), and
     * forgets producers silent for {@code producer.id.expiration.ms}, so that the idempotence state of
     * short-lived producers does not grow without bound.
     */
    public int deleteOldSegments() {
        int deleted = 0;
        for (Log log : logs.values()) {
            if (log.isClosed()) continue;
            deleted += log.deleteOldSegments();
            log.expireProducers(settings.producerIdExpirationMs());
        }
        return deleted;
    }

    private void flushDueLogs() {
        for (Log log : logs.values()) if (!log.isClosed()) log.flushIfDue();
    }

    /** Writes every directory's recovery-point, log-start-offset and high-watermark checkpoints. */
    public synchronized void checkpoint() {
        for (Map.Entry<Path, LogCheckpoints> e : checkpoints.entrySet()) {
            Map<LogId, Log> inDir = new HashMap<>();
            logs.forEach((id, log) -> {
                if (log.dir().getParent().equals(e.getKey())) inDir.put(id, log);
            });
            e.getValue().write(inDir);
        }
    }

    CheckpointFile cleanerCheckpoint(Path dir) { return checkpoints.get(dir).cleanerOffsets(); }

    LogCleaner cleaner() { return cleaner; }

    /** Runs one compaction pass over every compacted log now, on the caller's thread (tests, tools). */
    public void compactNow() {
        if (cleaner != null) cleaner.cleanAll(true);
        else new LogCleaner(this, 0, settings.cleanerMaxKeys()).cleanAll(true);
    }

    /**
     * Clean shutdown: stops the background work, flushes and closes every log, writes the checkpoints and
     * then the clean-shutdown marker, and releases the directory locks.
     */
    @Override
    public synchronized void close() {
        if (!started) {
            releaseLocks();
            scheduler.shutdownNow();
            return;
        }
        started = false;
        if (cleaner != null) cleaner.shutdown();
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) scheduler.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Log> all = new ArrayList<>(logs.values());
        for (Log log : all) log.close();
        checkpoint();
        for (Path dir : dirs) {
            try {
                Files.createFile(dir.resolve(CLEAN_SHUTDOWN_FILE));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // already marked
            } catch (IOException e) {
                LOG.error("Cannot write the clean-shutdown marker in {}; the next start will run recovery", dir, e);
            }
        }
        releaseLocks();
        LOG.info("Log manager shut down cleanly: {} log(s) flushed and closed", all.size());
    }

    private void releaseLocks() {
        for (FileLock lock : locks.values()) {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException e) {
                LOG.warn("Cannot release {}", lock, e);
            }
        }
        locks.clear();
    }

    private void checkStarted() {
        if (!started) throw new IllegalStateException("Log manager is not running");
    }
}
