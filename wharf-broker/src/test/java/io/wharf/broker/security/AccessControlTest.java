package io.wharf.broker.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.broker.metadata.EmbeddedZooKeeper;
import io.wharf.broker.metadata.WharfZNodes;
import io.wharf.broker.metadata.ZkMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Access control against a real embedded ZooKeeper, with a second process played by a second store. */
class AccessControlTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    private EmbeddedZooKeeper zk;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() {
        zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        zk.close();
    }

    private ZkMetadataStore store() {
        ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(5));
        store.start();
        toClose.add(store);
        return store;
    }

    private AccessControl started() {
        AccessControl access = new AccessControl(store().wharfNodes());
        access.start();
        toClose.add(access);
        return access;
    }

    @Test
    void theFirstStartCreatesRabbitMqsDefaults() throws Exception {
        AccessControl access = started();
        assertThat(access.vhosts()).containsExactly("/");
        assertThat(access.users()).extracting(User::name).containsExactly("guest");
        assertThat(access.user("guest").orElseThrow().tags()).containsExactly("administrator");
        assertThat(access.permissions()).containsExactly(Permission.all("/", "guest"));
        assertThat(access.authenticate("guest", "guest")).isPresent();
        assertThat(access.authenticate("guest", "Guest")).isEmpty();

        WharfZNodes nodes = store().wharfNodes();
        assertThat(json(nodes, "vhosts/%2F").get("version").intValue()).isEqualTo(1);
        JsonNode guest = json(nodes, "users/guest");
        assertThat(guest.get("hashing_algorithm").textValue()).isEqualTo("rabbit_password_hashing_sha256");
        assertThat(guest.get("tags").get(0).textValue()).isEqualTo("administrator");
        assertThat(PasswordHash.fromBase64(guest.get("password_hash").textValue()).verify("guest")).isTrue();
        JsonNode permission = json(nodes, "permissions/%2F/guest");
        assertThat(permission.get("configure").textValue()).isEqualTo(".*");
        assertThat(permission.get("write").textValue()).isEqualTo(".*");
        assertThat(permission.get("read").textValue()).isEqualTo(".*");
    }

    @Test
    void theDefaultsAreNeverCreatedAgain() {
        AccessControl first = started();
        first.deleteUser("guest");
        first.deleteVhost("/");
        first.close();

        AccessControl again = started();
        assertThat(again.vhosts()).isEmpty();
        assertThat(again.users()).isEmpty();
        assertThat(again.permissions()).isEmpty();
    }

    @Test
    void everythingPersistsAcrossANewInstance() {
        AccessControl first = started();
        first.addVhost("/shop/eu");
        first.addUser("名前", "s3cret", Set.of("management", "monitoring"));
        first.addUser("robot", null, Set.of());
        first.setPermissions("/shop/eu", "名前", "^orders$", ".*", "");
        first.close();

        AccessControl second = started();
        assertThat(second.vhosts()).containsExactly("/", "/shop/eu");
        assertThat(second.users()).extracting(User::name).containsExactly("guest", "robot", "名前");
        assertThat(second.user("名前").orElseThrow().tags()).containsExactly("management", "monitoring");
        assertThat(second.authenticate("名前", "s3cret")).isPresent();
        assertThat(second.user("robot").orElseThrow().passwordHash()).isEmpty();
        Permission p = second.permission("/shop/eu", "名前").orElseThrow();
        assertThat(p).isEqualTo(new Permission("/shop/eu", "名前", "^orders$", ".*", ""));
        assertThat(p.canConfigure("orders")).isTrue();
        assertThat(p.canRead("orders")).isFalse();
    }

    @Test
    void aChangeByAnotherProcessReachesTheCacheThroughTheWatch() {
        AccessControl broker = started();
        AccessControl cli = started();

        cli.addVhost("/shop");
        await("the new vhost", () -> broker.vhostExists("/shop"));
        cli.addUser("alice", "one", Set.of());
        await("the new user", () -> broker.authenticate("alice", "one").isPresent());
        cli.setPermissions("/shop", "alice", ".*", "^logs$", ".*");
        await("the permission", () -> broker.permission("/shop", "alice").isPresent());
        assertThat(broker.permission("/shop", "alice").orElseThrow().canWrite("logs")).isTrue();

        cli.changePassword("alice", "two");
        await("the new password", () -> broker.authenticate("alice", "two").isPresent());
        assertThat(broker.authenticate("alice", "one")).isEmpty();
        cli.setTags("alice", Set.of("policymaker"));
        await("the new tags", () -> broker.user("alice").orElseThrow().hasTag("policymaker"));

        cli.clearPermissions("/shop", "alice");
        await("the cleared permission", () -> broker.permission("/shop", "alice").isEmpty());
        cli.deleteUser("alice");
        await("the deleted user", () -> broker.user("alice").isEmpty());
        cli.deleteVhost("/shop");
        await("the deleted vhost", () -> !broker.vhostExists("/shop"));
    }

    @Test
    void listenersHearDeletionsAndPermissionChangesFromEitherProcess() {
        AccessControl broker = started();
        AccessControl cli = started();
        List<String> heard = new CopyOnWriteArrayList<>();
        broker.addListener(new AccessListener() {
            @Override
            public void vhostDeleted(String vhost) {
                heard.add("vhost " + vhost + " deleted; cache has it: " + broker.vhostExists(vhost));
            }

            @Override
            public void userDeleted(String user) {
                heard.add("user " + user + " deleted");
            }

            @Override
            public void permissionsChanged(String vhost, String user) {
                heard.add("permissions " + vhost + " " + user + " now " + broker.permission(vhost, user)
                        .map(Permission::configure).orElse("none"));
            }
        });

        cli.addVhost("/a");
        cli.addUser("alice", "pw", Set.of());
        cli.setPermissions("/a", "alice", "x", "x", "x");
        await("the permission heard", () -> heard.contains("permissions /a alice now x"));
        broker.setPermissions("/a", "alice", "y", "y", "y"); // a local change is heard as well
        await("the local change heard", () -> heard.contains("permissions /a alice now y"));
        cli.clearPermissions("/a", "alice");
        await("the clear heard", () -> heard.contains("permissions /a alice now none"));

        cli.deleteVhost("/a");
        await("the remote vhost deletion heard", () -> heard.contains("vhost /a deleted; cache has it: false"));
        cli.deleteUser("alice");
        await("the remote user deletion heard", () -> heard.contains("user alice deleted"));

        cli.addVhost("/b");
        cli.addUser("bob", "pw", Set.of());
        cli.setPermissions("/b", "bob", "z", "z", "z");
        cli.setPermissions("/", "bob", "z", "z", "z");
        await("both permissions heard", () -> heard.contains("permissions /b bob now z")
                && heard.contains("permissions / bob now z"));
        heard.clear();
        broker.deleteVhost("/b");
        broker.deleteUser("bob");
        await("the local deletions heard", () -> heard.size() >= 2);
        // locally, the permissions that went with the vhost and the user are not announced one by one
        assertThat(heard).containsExactly("vhost /b deleted; cache has it: false", "user bob deleted");
    }

    @Test
    void refusedChangesSayWhy() {
        AccessControl access = started();
        access.addUser("alice", "pw", Set.of());

        assertThatThrownBy(() -> access.addVhost("/")).isInstanceOf(AccessException.class)
                .hasMessage("vhost '/' already exists")
                .extracting(e -> ((AccessException) e).reason()).isEqualTo(AccessException.Reason.VHOST_EXISTS);
        assertThatThrownBy(() -> access.addVhost("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> access.deleteVhost("/nope")).isInstanceOf(AccessException.class)
                .hasMessage("vhost '/nope' does not exist");
        assertThatThrownBy(() -> access.addUser("alice", "pw", Set.of())).isInstanceOf(AccessException.class)
                .hasMessage("user 'alice' already exists");
        assertThatThrownBy(() -> access.addUser("bob", "", Set.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> access.addUser("", "pw", Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> access.addUser("bob", "pw", Set.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> access.deleteUser("bob")).isInstanceOf(AccessException.class)
                .hasMessage("user 'bob' does not exist");
        assertThatThrownBy(() -> access.changePassword("bob", "pw")).isInstanceOf(AccessException.class)
                .extracting(e -> ((AccessException) e).reason()).isEqualTo(AccessException.Reason.NO_SUCH_USER);
        assertThatThrownBy(() -> access.changePassword("alice", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> access.setTags("bob", Set.of())).isInstanceOf(AccessException.class);
        assertThatThrownBy(() -> access.setPermissions("/nope", "alice", ".*", ".*", ".*"))
                .isInstanceOf(AccessException.class).hasMessage("vhost '/nope' does not exist");
        assertThatThrownBy(() -> access.setPermissions("/", "bob", ".*", ".*", ".*"))
                .isInstanceOf(AccessException.class).hasMessage("user 'bob' does not exist");
        assertThatThrownBy(() -> access.setPermissions("/", "alice", "*", ".*", ".*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configure regular expression '*'");
        assertThatThrownBy(() -> access.clearPermissions("/nope", "alice")).isInstanceOf(AccessException.class);

        assertThat(access.vhosts()).containsExactly("/");
        assertThat(access.users()).extracting(User::name).containsExactly("alice", "guest");
        assertThat(access.permission("/", "alice")).isEmpty();
    }

    @Test
    void authenticationRefusesUnknownUsersBlankPasswordsAndPasswordlessUsers() {
        AccessControl access = started();
        access.addUser("robot", null, Set.of());
        assertThat(access.authenticate("robot", "anything")).isEmpty();
        assertThat(access.authenticate("nobody", "guest")).isEmpty();
        assertThat(access.authenticate("guest", "")).isEmpty();
        assertThat(access.authenticate("guest", null)).isEmpty();
        assertThat(access.authenticate(null, "guest")).isEmpty();
        access.changePassword("robot", "now-i-can");
        assertThat(access.authenticate("robot", "now-i-can")).map(User::name).contains("robot");
    }

    @Test
    void aDeletedVhostOrUserTakesItsPermissionsAlongAndANewOneStartsClean() {
        AccessControl access = started();
        WharfZNodes nodes = store().wharfNodes();
        access.addVhost("/shop");
        access.addUser("alice", "pw", Set.of());
        access.setPermissions("/shop", "alice", ".*", ".*", ".*");
        access.setPermissions("/", "alice", ".*", ".*", ".*");

        access.deleteVhost("/shop");
        assertThat(nodes.children("permissions")).containsExactly("%2F");
        access.addVhost("/shop");
        assertThat(access.permission("/shop", "alice")).isEmpty();

        access.deleteUser("alice");
        assertThat(nodes.children("permissions/%2F")).containsExactly("guest");
        // an orphan left behind by a crash is not inherited by a new user of that name
        nodes.put("permissions/%2Fshop/alice", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"
                .getBytes(StandardCharsets.UTF_8));
        access.addUser("alice", "pw", Set.of());
        assertThat(access.permission("/shop", "alice")).isEmpty();
        assertThat(nodes.get("permissions/%2Fshop/alice")).isEmpty();
    }

    @Test
    void aZnodeThatDoesNotParseIsSkippedNotFatal() {
        WharfZNodes nodes = store().wharfNodes();
        started().close(); // create the defaults
        nodes.put("users/mallory", "not json".getBytes(StandardCharsets.UTF_8));
        nodes.put("permissions/%2F/guest", "{\"configure\":\"(\",\"write\":\"\",\"read\":\"\"}"
                .getBytes(StandardCharsets.UTF_8));

        AccessControl access = started();
        assertThat(access.users()).extracting(User::name).containsExactly("guest");
        assertThat(access.permission("/", "guest")).isEmpty();
        assertThat(access.authenticate("guest", "guest")).isPresent();
    }

    private static JsonNode json(WharfZNodes nodes, String path) throws Exception {
        return new ObjectMapper().readTree(nodes.get(path).orElseThrow());
    }

    /** Polls every 20 ms until {@code condition} holds, failing after {@link #TIMEOUT}. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }
}
