package io.wharf.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the share-partition index finds after a restart: the groups with state, their partitions, and deletion of both. */
class SharePartitionsTest {
    @TempDir
    Path dir;

    private LogManager logs() {
        LogManager logs = new LogManager(List.of(dir), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        return logs;
    }

    private static SharePartitions partitions(LogManager logs) {
        return new SharePartitions(logs, LogConfig.defaults(), new ShareSettings(5, 30_000, 100));
    }

    private static SharePartitions.Key key(String group, String topic, int partition) {
        return new SharePartitions.Key(group, topic, partition);
    }

    @Test
    void stateNotOpenedSinceARestartIsListedAndDeleted() {
        try (LogManager logs = logs()) {
            SharePartitions partitions = partitions(logs);
            partitions.open(key("g1", "orders", 1), () -> 0, 0);
            partitions.open(key("g1", "orders", 0), () -> 0, 0);
            partitions.open(key("g1", "audit", 0), () -> 0, 0);
            partitions.open(key("g2", "orders", 0), () -> 0, 0);
            partitions.open(key("g\0odd", "audit", 0), () -> 0, 0);
        }
        try (LogManager logs = logs()) {
            SharePartitions partitions = partitions(logs);
            assertThat(partitions.groups()).containsExactly("g\0odd", "g1", "g2");
            assertThat(partitions.keysOf("g1")).containsExactly(key("g1", "audit", 0), key("g1", "orders", 0),
                key("g1", "orders", 1));
            assertThat(partitions.ofGroup("g1")).isEmpty();
            partitions.deleteTopic("orders");
            assertThat(partitions.keysOf("g1")).containsExactly(key("g1", "audit", 0));
            assertThat(partitions.groups()).containsExactly("g\0odd", "g1");
            partitions.delete(key("g1", "audit", 0));
            assertThat(partitions.groups()).containsExactly("g\0odd");
        }
        try (LogManager logs = logs()) {
            SharePartitions partitions = partitions(logs);
            assertThat(partitions.groups()).containsExactly("g\0odd");
            assertThat(partitions.existing(key("g1", "orders", 0), 0)).isNull();
            assertThat(partitions.existing(key("g1", "audit", 0), 0)).isNull();
            assertThat(partitions.keysOf("g\0odd")).containsExactly(key("g\0odd", "audit", 0));
        }
    }

    @Test
    void aJournalDeletedBehindTheIndexIsDroppedFromItAtTheNextStart() {
        try (LogManager logs = logs()) {
            partitions(logs).open(key("g1", "orders", 0), () -> 0, 0);
            logs.deleteLog(SharePartitions.journalId(key("g1", "orders", 0)));
        }
        try (LogManager logs = logs()) {
            assertThat(partitions(logs).groups()).isEmpty();
        }
    }
}
