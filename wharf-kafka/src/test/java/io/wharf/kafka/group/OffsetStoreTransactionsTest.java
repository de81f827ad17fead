package io.wharf.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.group.CommittedOffset;
import io.wharf.broker.group.OffsetStore;
import io.wharf.broker.group.OffsetsTopic;
import io.wharf.broker.topic.PartitionId;
import io.wharf.kafka.BrokerCore;
import io.wharf.log.ControlType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactional offset commits in the offset store, live and after a reload from {@code __consumer_offsets}:
 * pending until the marker, applied on commit, dropped on abort, and overridden by a plain commit or a
 * deletion that comes later in the log.
 */
class OffsetStoreTransactionsTest {
    private static final PartitionId T0 = new PartitionId("t", 0);
    private static final PartitionId T1 = new PartitionId("t", 1);
    private static final long PID = 4000;
    private static final short EPOCH = 0;

    @TempDir
    Path dir;

    private BrokerCore core;
    private OffsetStore store;

    @BeforeEach
    void start() throws Exception {
        core = BrokerCore.start(dir);
        core.broker().topics().createTopic("t", 2, (short) 1, Map.of(), false);
        store = loadedStore();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private OffsetStore loadedStore() throws Exception {
        OffsetStore s = new OffsetStore(core.broker().topics(), 3, (short) 1);
        s.start().loaded().get(30, TimeUnit.SECONDS);
        return s;
    }

    private static CommittedOffset at(long offset) {
        return new CommittedOffset(offset, -1, "", 1);
    }

    /** Writes the transaction's marker to the group's offsets partition and settles it, as the coordinator does. */
    private void end(String group, ControlType type) {
        int p = store.partitionFor(group);
        core.broker().topics().partition(new PartitionId(OffsetsTopic.NAME, p)).orElseThrow()
            .appendTransactionMarker(PID, EPOCH, type, 0);
        store.completeTransaction(PID, p, type == ControlType.COMMIT);
    }

    private void reload() throws Exception {
        core.restart();
        store = loadedStore();
    }

    @Test
    void pendingUntilCommittedThenVisibleAlsoAfterAReload() throws Exception {
        store.commitTransactional("g", PID, EPOCH, Map.of(T0, at(5)));
        assertThat(store.offset("g", T0)).isEmpty();
        assertThat(store.hasPendingTransactionalOffset("g", T0)).isTrue();
        end("g", ControlType.COMMIT);
        assertThat(store.offset("g", T0)).contains(at(5));
        assertThat(store.hasPendingTransactionalOffset("g", T0)).isFalse();
        reload();
        assertThat(store.offset("g", T0)).contains(at(5));
    }

    @Test
    void abortedCommitsNeverBecomeVisible() throws Exception {
        store.commit("g", Map.of(T0, at(1)));
        store.commitTransactional("g", PID, EPOCH, Map.of(T0, at(9)));
        end("g", ControlType.ABORT);
        assertThat(store.offset("g", T0)).contains(at(1));
        reload();
        assertThat(store.offset("g", T0)).contains(at(1));
    }

    @Test
    void aLaterPlainCommitWinsOverAPendingOneLiveAndAfterAReload() throws Exception {
        store.commitTransactional("g", PID, EPOCH, Map.of(T0, at(10), T1, at(20)));
        store.commit("g", Map.of(T0, at(11)));
        end("g", ControlType.COMMIT);
        assertThat(store.offsets("g")).isEqualTo(Map.of(T0, at(11), T1, at(20)));
        reload();
        assertThat(store.offsets("g")).isEqualTo(Map.of(T0, at(11), T1, at(20)));
    }

    @Test
    void deletedOffsetsDoNotComeBackWithALaterCommitMarker() throws Exception {
        store.commit("g", Map.of(T0, at(1)));
        store.commitTransactional("g", PID, EPOCH, Map.of(T0, at(2)));
        assertThat(store.deleteOffsets("g", List.of(T0))).isEqualTo(1);
        end("g", ControlType.COMMIT);
        assertThat(store.offset("g", T0)).isEmpty();
        reload();
        assertThat(store.offset("g", T0)).isEmpty();
    }
}
