package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.server.cli.WharfCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RabbitMQ-style administration commands against a running broker: each change goes through ZooKeeper and
 * the broker's own access control picks it up through its watch.
 */
class AccessCommandsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    private AccessControl access;
    private String zookeeper;

    @BeforeEach
    void start() {
        access = broker.server().broker().access();
        zookeeper = broker.server().embeddedZooKeeper().orElseThrow().connectString();
    }

    /** Exit code and what the command printed. */
    private record Run(int exit, String out, String err) {
    }

    /** Runs {@code bin/wharf args... --zookeeper <the broker's>}. */
    private Run wharf(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--zookeeper";
        all[args.length + 1] = zookeeper;
        return wharfAsIs(all);
    }

    private static Run wharfAsIs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = WharfCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run ok(Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
        return run;
    }

    /** Exit code 1 and one line {@code wharf: <message>}. */
    private static void failsWith(Run run, String message) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("wharf: ").contains(message);
    }

    @Test
    void vhostsAreAddedListedAndDeleted() {
        assertThat(ok(wharf("vhosts", "add", "/shop")).out()).isEqualTo("Added vhost '/shop'.\n");
        await("the broker sees vhost /shop", () -> access.vhostExists("/shop"));

        assertThat(ok(wharf("vhosts", "list")).out().lines()).containsExactly("name", "/", "/shop");

        ok(wharf("vhosts", "delete", "/shop"));
        await("the broker forgets vhost /shop", () -> !access.vhostExists("/shop"));
        assertThat(ok(wharf("vhosts", "list")).out().lines()).containsExactly("name", "/");
    }

    @Test
    void usersAreAddedTaggedGivenNewPasswordsAndDeleted() {
        assertThat(access.authenticate("guest", "guest")).isPresent(); // the first start's default

        ok(wharf("users", "add", "alice", "--password", "s3cret", "--tags", "management,monitoring"));
        await("the broker lets alice in", () -> access.authenticate("alice", "s3cret").isPresent());
        assertThat(access.user("alice").map(User::tags).orElseThrow()).containsExactly("management", "monitoring");
        assertThat(ok(wharf("users", "list")).out().lines())
            .containsExactly("user\ttags", "alice\t[management, monitoring]", "guest\t[administrator]");

        ok(wharf("users", "passwd", "alice", "--password", "n3w"));
        await("the broker takes the new password", () -> access.authenticate("alice", "n3w").isPresent());
        assertThat(access.authenticate("alice", "s3cret")).isEmpty();

        assertThat(ok(wharf("users", "tags", "alice", "policymaker", "administrator")).out())
            .isEqualTo("Set the tags of user 'alice' to [administrator, policymaker].\n");
        await("the broker sees the new tags", () -> access.user("alice").map(User::tags).orElseThrow()
            .equals(java.util.Set.of("administrator", "policymaker")));
        ok(wharf("users", "tags", "alice"));
        await("the broker sees the tags cleared", () -> access.user("alice").orElseThrow().tags().isEmpty());

        ok(wharf("users", "delete", "alice"));
        await("the broker forgets alice", () -> access.user("alice").isEmpty());
        assertThat(access.authenticate("alice", "n3w")).isEmpty();
    }

    @Test
    void permissionsAreSetListedAndCleared() {
        ok(wharf("vhosts", "add", "/shop"));
        ok(wharf("users", "add", "alice", "--password", "s3cret"));

        assertThat(ok(wharf("permissions", "set", "--vhost", "/shop", "alice", ".*", ".*", ".*")).out())
            .isEqualTo("Set permissions of user 'alice' in vhost '/shop'.\n");
        await("the broker grants alice /shop", () -> access.permission("/shop", "alice").isPresent());
        assertThat(access.permission("/shop", "alice").orElseThrow()).isEqualTo(Permission.all("/shop", "alice"));

        // the default vhost is "/"; an empty regex grants nothing
        ok(wharf("permissions", "set", "alice", "^$", "", "^amq\\.default$"));
        await("the broker grants alice /", () -> access.permission("/", "alice").isPresent());
        Permission root = access.permission("/", "alice").orElseThrow();
        assertThat(root.canConfigure("q")).isFalse();
        assertThat(root.canWrite("amq.default")).isFalse();
        assertThat(root.canRead("amq.default")).isTrue();

        assertThat(ok(wharf("permissions", "list", "--vhost", "/shop")).out().lines())
            .containsExactly("vhost\tuser\tconfigure\twrite\tread", "/shop\talice\t.*\t.*\t.*");
        assertThat(ok(wharf("permissions", "list")).out().lines()).containsExactly(
            "vhost\tuser\tconfigure\twrite\tread", "/\talice\t^$\t\t^amq\\.default$", "/\tguest\t.*\t.*\t.*",
            "/shop\talice\t.*\t.*\t.*");

        ok(wharf("permissions", "clear", "--vhost", "/shop", "alice"));
        await("the broker takes /shop from alice", () -> access.permission("/shop", "alice").isEmpty());
        assertThat(access.permission("/", "alice")).isPresent();

        ok(wharf("vhosts", "delete", "/"));
        await("the broker forgets / and its permissions", () -> access.permission("/", "guest").isEmpty()
            && access.permission("/", "alice").isEmpty() && !access.vhostExists("/"));
    }

    @Test
    void badArgumentsExitNonZeroWithAClearMessage() {
        failsWith(wharf("permissions", "set", "--vhost", "/nope", "guest", ".*", ".*", ".*"),
            "vhost '/nope' does not exist");
        failsWith(wharf("permissions", "set", "nobody", ".*", ".*", ".*"), "user 'nobody' does not exist");
        failsWith(wharf("permissions", "set", "guest", "(", ".*", ".*"), "Invalid configure regular expression '('");
        failsWith(wharf("permissions", "list", "--vhost", "/nope"), "vhost '/nope' does not exist");
        failsWith(wharf("vhosts", "add", "/"), "vhost '/' already exists");
        failsWith(wharf("vhosts", "add", ""), "A vhost name must not be empty");
        failsWith(wharf("vhosts", "delete", "/nope"), "vhost '/nope' does not exist");
        failsWith(wharf("users", "add", "guest", "--password", "x"), "user 'guest' already exists");
        failsWith(wharf("users", "add", "bob", "--password", ""), "must not be empty");
        failsWith(wharf("users", "passwd", "nobody", "--password", "x"), "user 'nobody' does not exist");
        failsWith(wharf("users", "delete", "nobody"), "user 'nobody' does not exist");

        Run missingPassword = wharf("users", "add", "bob");
        assertThat(missingPassword.exit()).isEqualTo(2);
        assertThat(missingPassword.err()).contains("Missing required option: '--password=PASSWORD'");
        Run missingSubcommand = wharfAsIs("vhosts");
        assertThat(missingSubcommand.exit()).isEqualTo(2);
        assertThat(missingSubcommand.err()).contains("Missing subcommand: add, delete or list");
        Run missingRegex = wharf("permissions", "set", "guest", ".*", ".*");
        assertThat(missingRegex.exit()).isEqualTo(2);
        assertThat(missingRegex.err()).contains("READ");

        // nothing above changed anything
        assertThat(access.vhosts()).containsExactly("/");
        assertThat(access.users()).extracting(User::name).containsExactly("guest");
        assertThat(access.permission("/", "guest")).isEqualTo(Optional.of(Permission.all("/", "guest")));
    }

    @Test
    void aZooKeeperThatDoesNotAnswerIsOneLineWithinTheTimeout() throws Exception {
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        long begin = System.nanoTime();
        Run run = wharfAsIs("vhosts", "list", "--zookeeper", "127.0.0.1:" + unused, "--timeout-ms", "1000");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        failsWith(run, "Cannot reach ZooKeeper at 127.0.0.1:" + unused + " within 1000 ms; is the broker running, "
            + "and is --zookeeper right?");
        assertThat(run.out()).isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }
}
