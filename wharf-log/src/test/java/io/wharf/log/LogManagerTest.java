package io.wharf.log;

import static io.wharf.log.TestLogs.batch;
import static io.wharf.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path root;

    private final TestLogs.ManualTime time = new TestLogs.ManualTime(1_700_000_000_000L);
    private final LogManagerSettings settings = new LogManagerSettings(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
        false, 1000, 10_000);

    private LogManager manager(Path... dirs) {
        return new LogManager(List.of(dirs), TestLogs.smallConfig().build(), settings, time);
    }

    @Test
    void createsLogsAsNamePartitionDirectoriesAndReloadsThemAfterACleanShutdown() throws Exception {
        Path d = root.resolve("logs");
        LogManager m = manager(d);
        m.startup();
        Log orders0 = m.getOrCreateLog(new LogId("orders", 0), m.defaultConfig());
        Log orders1 = m.getOrCreateLog(new LogId("orders", 1), m.defaultConfig());
        for (int i = 0; i < 30; i++) orders0.append(batch(i, 1, 1));
        orders1.append(batch(0, 5, 1));
        orders0.highWatermarkToLogEnd();
        orders1.highWatermarkToLogEnd();
        m.close();

        assertThat(d.resolve("orders-0")).isDirectory();
        assertThat(d.resolve("orders-1")).isDirectory();
        assertThat(d.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
        assertThat(Files.readAllLines(d.resolve("recovery-point-offset-checkpoint")))
            .containsExactly("0", "2", "orders 0 30", "orders 1 5");
        assertThat(Files.readAllLines(d.resolve("replication-offset-checkpoint")))
            .containsExactly("0", "2", "orders 0 30", "orders 1 5");

        LogManager again = manager(d);
        again.startup();
        assertThat(d.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        Map<LogId, Log> logs = again.allLogs();
        assertThat(logs).containsOnlyKeys(new LogId("orders", 0), new LogId("orders", 1));
        Log reloaded = logs.get(new LogId("orders", 0));
        assertThat(reloaded.logEndOffset()).isEqualTo(30);
        assertThat(reloaded.highWatermark()).isEqualTo(30);
        assertThat(reloaded.recoveryPoint()).isEqualTo(30);
        assertThat(readAll(reloaded, 0, Isolation.HIGH_WATERMARK)).hasSize(30);
        again.close();
    }

    @Test
    void spreadsNewLogsOverSeveralDirectories() {
        LogManager m = manager(root.resolve("a"), root.resolve("b"));
        m.startup();
        for (int p = 0; p < 4; p++) m.getOrCreateLog(new LogId("t", p), m.defaultConfig());
        assertThat(root.resolve("a").toFile().list((d, n) -> n.startsWith("t-"))).hasSize(2);
        assertThat(root.resolve("b").toFile().list((d, n) -> n.startsWith("t-"))).hasSize(2);
        m.close();
    }

    @Test
    void aSecondManagerOnTheSameDirectoryIsRefused() {
        LogManager m = manager(root.resolve("x"));
        m.startup();
        try {
            assertThatThrownBy(() -> manager(root.resolve("x")).startup()).isInstanceOf(LogDirException.class)
                .hasMessageContaining(root.resolve("x").toString());
        } finally {
            m.close();
        }
    }

    @Test
    void anUnwritableDirectoryIsNamedInTheError() throws Exception {
        Path file = root.resolve("not-a-dir");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> manager(file.resolve("logs")).startup()).isInstanceOf(LogDirException.class)
            .hasMessageContaining(file.resolve("logs").toString());
        Path ro = root.resolve("ro");
        Files.createDirectories(ro);
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (!Files.isWritable(ro)) { // root ignores permissions
                assertThatThrownBy(() -> manager(ro).startup()).isInstanceOf(LogDirException.class)
                    .hasMessageContaining(ro.toString());
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void deletedLogsDisappearFromDiskAndListing() throws Exception {
        Path d = root.resolve("del");
        LogManager m = manager(d);
        m.startup();
        Log log = m.getOrCreateLog(new LogId("gone", 0), m.defaultConfig());
        log.append(batch(0, 3, 1));
        assertThat(m.deleteLog(new LogId("gone", 0))).isTrue();
        assertThat(m.getLog(new LogId("gone", 0))).isEmpty();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && d.toFile().list((x, n) -> n.startsWith("gone")).length > 0) {
            Thread.sleep(10);
        }
        assertThat(d.toFile().list((x, n) -> n.startsWith("gone"))).isEmpty();
        m.close();
    }

    @Test
    void compactNowCompactsLogsWithTheCompactPolicy() {
        LogManager m = manager(root.resolve("c"));
        m.startup();
        LogConfig compact = TestLogs.smallConfig().segmentBytes(1024).cleanupPolicy(LogConfig.CleanupPolicy.COMPACT).build();
        Log log = m.getOrCreateLog(new LogId("__consumer_offsets", 0), compact);
        for (int i = 0; i < 200; i++) log.append(TestLogs.keyed(1, "k" + (i % 3), "v" + i));
        log.highWatermarkToLogEnd();
        long before = log.size();
        m.compactNow();
        assertThat(log.size()).isLessThan(before / 4);
        assertThat(Files.exists(root.resolve("c").resolve("cleaner-offset-checkpoint"))).isTrue();
        m.close();
    }
}
