package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.wharf.server.cli.WharfCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users, virtual hosts and permissions as an AMQP client meets them: a vhost and user made with the
 * command line, then that user's work queue on that vhost; 530 for a vhost without access, 403 for each
 * kind of permission refused.
 */
class AmqpAccessTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @BeforeAll
    static void start() {
        var access = broker.server().broker().access();
        access.addVhost("/limited");
        access.addUser("reader", "r3ad", Set.of());
        // May read queues named "public.*" and configure nothing; may write nowhere.
        access.setPermissions("/limited", "reader", "^$", "^$", "^public\\..*");
    }

    private ConnectionFactory as(String user, String password, String vhost) {
        ConnectionFactory f = broker.amqpFactory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f;
    }

    private static int cli(String... args) {
        StringWriter err = new StringWriter();
        int code = WharfCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        assertThat(err.toString()).as("stderr of %s", String.join(" ", args)).isEmpty();
        return code;
    }

    @Test
    void aUserMadeWithTheCommandLineRunsAWorkQueueOnItsVhost() throws Exception {
        String zk = "--zookeeper=" + broker.server().embeddedZooKeeper().orElseThrow().connectString();
        assertThat(cli("vhosts", "add", "/shop", zk)).isZero();
        assertThat(cli("users", "add", "alice", "--password", "s3cret", zk)).isZero();
        assertThat(cli("permissions", "set", "--vhost", "/shop", "alice", ".*", ".*", ".*", zk)).isZero();
        // The broker follows ZooKeeper: wait until it sees the permission.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (broker.server().broker().access().permission("/shop", "alice").isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        try (Connection c = as("alice", "s3cret", "/shop").newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("tasks", true, false, false, null);
            ch.basicPublish("", "tasks", null, "one".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(ch.basicGet("tasks", true).getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
        }
        // The queue is the vhost's own: "/" has none of that name.
        try (Connection guest = broker.amqpFactory().newConnection()) {
            Channel ch = guest.createChannel();
            assertThatThrownBy(() -> ch.queueDeclarePassive("tasks")).isInstanceOf(IOException.class)
                .hasRootCauseMessage(rootMessage(404, "NOT_FOUND - no queue 'tasks' in vhost '/'"));
        }
    }

    @Test
    void aVhostWithoutPermissionOrThatDoesNotExistIsRefusedWith530() {
        assertThatThrownBy(() -> as("reader", "r3ad", "/").newConnection()).isInstanceOf(IOException.class)
            .hasStackTraceContaining("530").hasStackTraceContaining("access to vhost '/' refused for user 'reader'");
        assertThatThrownBy(() -> as("guest", "guest", "/nowhere").newConnection()).isInstanceOf(IOException.class)
            .hasStackTraceContaining("530").hasStackTraceContaining("vhost /nowhere not found");
    }

    @Test
    void eachRefusedPermissionClosesTheChannelWith403() throws Exception {
        // Guest sets up the queues on /limited (guest has no permission there: give it some).
        broker.server().broker().access().setPermissions("/limited", "guest", ".*", ".*", ".*");
        try (Connection admin = as("guest", "guest", "/limited").newConnection()) {
            Channel ch = admin.createChannel();
            ch.queueDeclare("public.news", false, false, false, null);
            ch.queueDeclare("private.mail", false, false, false, null);
            ch.basicPublish("", "public.news", null, "hi".getBytes(StandardCharsets.UTF_8));
        }
        try (Connection c = as("reader", "r3ad", "/limited").newConnection()) {
            assertThat(new String(c.createChannel().basicGet("public.news", true).getBody(), StandardCharsets.UTF_8))
                .isEqualTo("hi");
            assertThat(refusal(c, ch -> ch.queueDeclare("mine", false, false, false, null)))
                .isEqualTo("ACCESS_REFUSED - access to queue 'mine' in vhost '/limited' refused for user 'reader'");
            assertThat(refusal(c, ch -> ch.basicGet("private.mail", true)))
                .isEqualTo("ACCESS_REFUSED - access to queue 'private.mail' in vhost '/limited' refused for user 'reader'");
            assertThat(refusal(c, ch -> ch.basicPublish("", "public.news", null, new byte[0])))
                .isEqualTo("ACCESS_REFUSED - access to exchange 'amq.default' in vhost '/limited' refused for user 'reader'");
            assertThat(c.isOpen()).isTrue();
        }
    }

    /** Waits until the broker closes {@code c}; returns its Connection.Close. */
    private static AMQP.Connection.Close awaitForcedClose(Connection c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.isOpen() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(c.isOpen()).as("closed by the broker").isFalse();
        return (AMQP.Connection.Close) c.getCloseReason().getReason();
    }

    @Test
    void deletingAVhostClosesItsConnectionsWith320AndLeavesOthersOpen() throws Exception {
        var access = broker.server().broker().access();
        access.addVhost("/doomed");
        access.setPermissions("/doomed", "guest", ".*", ".*", ".*");
        Connection doomed = as("guest", "guest", "/doomed").newConnection();
        try (Connection other = broker.amqpFactory().newConnection()) {
            doomed.createChannel().queueDeclare("q", false, false, false, null);
            access.deleteVhost("/doomed");
            AMQP.Connection.Close close = awaitForcedClose(doomed);
            assertThat(close.getReplyCode()).isEqualTo(320);
            // The vhost's permissions are deleted first (ZooKeeper), and the access cache's watcher may report
            // that before the vhost itself: either reason closes the connection, with 320.
            assertThat(close.getReplyText()).isIn("CONNECTION_FORCED - vhost '/doomed' is deleted",
                "CONNECTION_FORCED - access to vhost '/doomed' refused for user 'guest'");
            assertThat(other.createChannel().queueDeclare().getQueue()).startsWith("amq.gen-");
        } finally {
            doomed.abort();
        }
    }

    @Test
    void deletingAUserClosesTheirConnectionsWith320() throws Exception {
        var access = broker.server().broker().access();
        access.addUser("leaver", "bye", Set.of());
        access.setPermissions("/", "leaver", ".*", ".*", ".*");
        Connection c = as("leaver", "bye", "/").newConnection();
        try {
            c.createChannel().queueDeclare();
            access.deleteUser("leaver");
            AMQP.Connection.Close close = awaitForcedClose(c);
            assertThat(close.getReplyCode()).isEqualTo(320);
            // As for a vhost, the user's permissions go first and may be reported first.
            assertThat(close.getReplyText()).isIn("CONNECTION_FORCED - user 'leaver' is deleted",
                "CONNECTION_FORCED - access to vhost '/' refused for user 'leaver'");
        } finally {
            c.abort();
        }
    }

    @Test
    void changedPermissionsApplyToTheNextMethodAndClearedOnesCloseTheConnection() throws Exception {
        var access = broker.server().broker().access();
        access.addUser("mover", "m0ve", Set.of());
        access.setPermissions("/", "mover", ".*", ".*", ".*");
        Connection c = as("mover", "m0ve", "/").newConnection();
        try {
            c.createChannel().queueDeclare("mover.q", false, false, false, null);
            access.setPermissions("/", "mover", ".*", "^$", ".*");
            // Applied on the connection's own thread: wait for a refusal rather than assume it is there.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            AMQP.Channel.Close close;
            do {
                close = publishRefusal(c);
            } while (close == null && System.nanoTime() < deadline);
            assertThat(close).as("publish refused after write was taken away").isNotNull();
            assertThat(close.getReplyCode()).isEqualTo(403);
            access.clearPermissions("/", "mover");
            AMQP.Connection.Close forced = awaitForcedClose(c);
            assertThat(forced.getReplyCode()).isEqualTo(320);
            assertThat(forced.getReplyText()).isEqualTo("CONNECTION_FORCED - access to vhost '/' refused for user 'mover'");
        } finally {
            c.abort();
        }
    }

    /** Publishes on a new channel and brings any error in with a synchronous method; null if none. */
    private static AMQP.Channel.Close publishRefusal(Connection c) throws IOException {
        Channel ch = c.createChannel();
        try {
            ch.basicPublish("", "mover.q", null, new byte[0]);
            ch.queueDeclarePassive("mover.q");
            ch.close();
            return null;
        } catch (IOException | com.rabbitmq.client.AlreadyClosedException | java.util.concurrent.TimeoutException e) {
            return (AMQP.Channel.Close) ch.getCloseReason().getReason();
        }
    }

    private static String refusal(Connection c, AmqpClientSupport.ChannelAction action) throws Exception {
        AMQP.Channel.Close close = AmqpClientSupport.channelClose(c, action);
        assertThat(close.getReplyCode()).isEqualTo(403);
        return close.getReplyText();
    }

    private static String rootMessage(int code, String text) {
        return "channel error; protocol method: #method<channel.close>(reply-code=" + code + ", reply-text=" + text
            + ", class-id=50, method-id=10)";
    }
}
