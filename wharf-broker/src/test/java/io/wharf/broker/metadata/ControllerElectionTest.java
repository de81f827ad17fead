package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerElectionTest {

    /** Records what a broker was told, in order. */
    private static final class Events implements ControllerListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onBecomeController(int controllerEpoch) {
            seen.add("become:" + controllerEpoch);
        }

        @Override
        public void onResign() {
            seen.add("resign");
        }
    }

    @TempDir
    Path dataDir;
    private EmbeddedZooKeeper zk;
    private ZooKeeper raw;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
        raw = ZkTestSupport.rawClient(zk.connectString());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        raw.close();
        zk.close();
    }

    @Test
    void aLoneBrokerWinsWithEpochOneInKafkasZnodes() throws Exception {
        ZkMetadataStore store = store();
        Events events = new Events();
        ControllerElection election = election(store, 1, events);

        assertThat(election.isController()).isTrue();
        assertThat(election.controllerId()).isEqualTo(1);
        assertThat(election.controllerEpoch()).isEqualTo(1);
        assertThat(events.seen).containsExactly("become:1");

        JsonNode controller = ZkTestSupport.rawJson(raw, "/controller");
        assertThat(controller.get("version").intValue()).isEqualTo(2);
        assertThat(controller.get("brokerid").intValue()).isEqualTo(1);
        assertThat(Long.parseLong(controller.get("timestamp").textValue())).isPositive();
        assertThat(raw.exists("/controller", false).getEphemeralOwner()).isEqualTo(store.sessionId());
        assertThat(ZkTestSupport.rawText(raw, "/controller_epoch")).isEqualTo("1");
        assertThat(raw.exists("/controller_epoch", false).getEphemeralOwner()).isZero();
    }

    @Test
    void theOtherBrokerTakesOverWhenTheControllerCloses() throws Exception {
        ZkMetadataStore store1 = store();
        ZkMetadataStore store2 = store();
        Events events1 = new Events();
        Events events2 = new Events();
        ControllerElection first = election(store1, 1, events1);
        ControllerElection second = election(store2, 2, events2);

        assertThat(first.isController()).isTrue();
        assertThat(second.isController()).isFalse();
        assertThat(second.controllerId()).isEqualTo(1);
        assertThat(second.controllerEpoch()).isEqualTo(1);
        assertThat(events2.seen).isEmpty();

        first.close();
        store1.close();

        ZkTestSupport.await("broker 2 is the controller", second::isController);
        assertThat(second.controllerId()).isEqualTo(2);
        assertThat(second.controllerEpoch()).isEqualTo(2);
        assertThat(events1.seen).containsExactly("become:1", "resign");
        assertThat(events2.seen).containsExactly("become:2");
        assertThat(ZkTestSupport.rawJson(raw, "/controller").get("brokerid").intValue()).isEqualTo(2);
        assertThat(ZkTestSupport.rawText(raw, "/controller_epoch")).isEqualTo("2");
    }

    @Test
    void closingTheElectionAloneReleasesTheRoleWhileTheSessionLives() throws Exception {
        ZkMetadataStore store1 = store();
        ControllerElection first = election(store1, 1, new Events());
        ControllerElection second = election(store(), 2, new Events());

        first.close();

        ZkTestSupport.await("broker 2 is the controller", second::isController);
        assertThat(first.isController()).isFalse();
        assertThat(first.controllerId()).isEqualTo(-1);
        assertThat(store1.liveBrokerIds()).isEmpty(); // the store still works
    }

    @Test
    void theControllerResignsWhenItsSessionExpiresAndAnotherBrokerWins() throws Exception {
        ZkMetadataStore store1 = store();
        ZkMetadataStore store2 = store();
        Events events1 = new Events();
        Events events2 = new Events();
        ControllerElection first = election(store1, 1, events1);
        ControllerElection second = election(store2, 2, events2);
        assertThat(first.isController()).isTrue();

        ZkTestSupport.expireSession(store1.curator(), zk.connectString());

        ZkTestSupport.await("broker 2 is the controller", second::isController);
        assertThat(second.controllerEpoch()).isEqualTo(2);
        ZkTestSupport.await("broker 1 resigned and follows broker 2",
                () -> !first.isController() && first.controllerId() == 2 && first.controllerEpoch() == 2);
        assertThat(events1.seen).containsExactly("become:1", "resign");
        assertThat(events2.seen).containsExactly("become:2");
    }

    @Test
    void aLoneControllerWinsAgainWithANewEpochAfterItsSessionExpires() throws Exception {
        ZkMetadataStore store = store();
        Events events = new Events();
        ControllerElection election = election(store, 1, events);
        long oldSession = store.sessionId();

        ZkTestSupport.expireSession(store.curator(), zk.connectString());

        ZkTestSupport.await("broker 1 is controller again with epoch 2",
                () -> election.isController() && election.controllerEpoch() == 2);
        assertThat(events.seen).containsExactly("become:1", "resign", "become:2");
        assertThat(raw.exists("/controller", false).getEphemeralOwner()).isNotEqualTo(oldSession)
                .isEqualTo(store.sessionId());
    }

    private ZkMetadataStore store() {
        ZkMetadataStore store = ZkTestSupport.startedStore(zk);
        toClose.add(store);
        return store;
    }

    private ControllerElection election(ZkMetadataStore store, int brokerId, ControllerListener listener) {
        ControllerElection election = new ControllerElection(store, brokerId, listener);
        toClose.add(election);
        election.start();
        return election;
    }
}
