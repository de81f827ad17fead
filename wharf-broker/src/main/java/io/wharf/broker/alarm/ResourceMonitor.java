package io.wharf.broker.alarm;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the heap and the disks of the log directories and sets {@link ResourceAlarms} accordingly,
 * once a second.
 *
 * <p>Memory: the heap in use after the most recent garbage collection, against a limit — what is live,
 * not the garbage a collection is about to free. While the alarm is on, a heap in use below the limit
 * (garbage included) clears it at once; and since held-back publishers make little garbage, a collection
 * is asked for if none came for a few seconds, or the alarm could outlive its cause.
 *
 * <p>Disk: the usable space of each log directory's file store against a minimum; any one short raises it.
 * The limits can be changed while running.
 */
public final class ResourceMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceMonitor.class);
    private static final long FORCE_GC_AFTER_MS = 5_000;

    private final ResourceAlarms alarms;
    private final List<Path> logDirs;
    private final ScheduledExecutorService timer;
    private volatile long memoryLimitBytes;
    private volatile long diskFreeLimitBytes;
    private long lastGcSeenAt = System.currentTimeMillis();
    private long lastGcId = -1;

    /**
     * @param memoryLimitBytes   heap in use (after GC) at which the memory alarm goes on
     * @param diskFreeLimitBytes free space under which the disk alarm goes on (0: never)
     */
    public ResourceMonitor(ResourceAlarms alarms, List<Path> logDirs, long memoryLimitBytes, long diskFreeLimitBytes) {
        this.alarms = alarms;
        this.logDirs = List.copyOf(logDirs);
        this.memoryLimitBytes = memoryLimitBytes;
        this.diskFreeLimitBytes = diskFreeLimitBytes;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-resource-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** The memory limit for a fraction of the maximum heap ({@code memory.high.watermark}). */
    public static long heapFraction(double fraction) {
        long max = Runtime.getRuntime().maxMemory();
        return (long) (max * fraction);
    }

    public void start() {
        check();
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    public void setMemoryLimitBytes(long bytes) {
        memoryLimitBytes = bytes;
        timer.execute(this::check);
    }

    public void setDiskFreeLimitBytes(long bytes) {
        diskFreeLimitBytes = bytes;
        timer.execute(this::check);
    }

    private void check() {
        try {
            alarms.set(ResourceAlarm.MEMORY, memoryShort());
            alarms.set(ResourceAlarm.DISK, diskShort());
        } catch (RuntimeException e) {
            LOG.warn("Resource check failed", e);
        }
    }

    private boolean memoryShort() {
        long limit = memoryLimitBytes;
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (used < limit) return false;
        long afterGc = usedAfterLastGc();
        boolean on = afterGc < 0 || afterGc >= limit;
        if (on && alarms.active().contains(ResourceAlarm.MEMORY)
            && System.currentTimeMillis() - lastGcSeenAt > FORCE_GC_AFTER_MS) {
            lastGcSeenAt = System.currentTimeMillis();
            System.gc(); // the next check sees what is really live
        }
        if (on != alarms.active().contains(ResourceAlarm.MEMORY)) {
            LOG.warn("Memory alarm {}: {} bytes of heap in use after GC, limit {}", on ? "raised" : "cleared", afterGc, limit);
        }
        return on;
    }

    /** Heap bytes in use after the latest collection of any collector, or -1 if none ran yet. */
    private long usedAfterLastGc() {
        GcInfo latest = null;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(b instanceof GarbageCollectorMXBean gc)) continue;
            GcInfo info = gc.getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) latest = info;
        }
        if (latest == null) return -1;
        if (latest.getId() != lastGcId) {
            lastGcId = latest.getId();
            lastGcSeenAt = System.currentTimeMillis();
        }
        long used = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != java.lang.management.MemoryType.HEAP) continue;
            MemoryUsage u = latest.getMemoryUsageAfterGc().get(pool.getName());
            if (u != null) used += u.getUsed();
        }
        return used;
    }

    private boolean diskShort() {
        long limit = diskFreeLimitBytes;
        if (limit <= 0) return false;
        for (Path dir : logDirs) {
            try {
                long free = Files.getFileStore(dir).getUsableSpace();
                if (free < limit) {
                    if (!alarms.active().contains(ResourceAlarm.DISK)) {
                        LOG.warn("Disk alarm raised: {} bytes free for {}, limit {}", free, dir, limit);
                    }
                    return true;
                }
            } catch (IOException e) {
                LOG.warn("Cannot read the free space of {}: {}", dir, e.toString());
            }
        }
        if (alarms.active().contains(ResourceAlarm.DISK)) LOG.info("Disk alarm cleared");
        return false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
