package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.server.cli.WharfCli;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka notes' walk-through with Wharf's own tools: create a topic, send lines with the console
 * producer, read them back with the console consumer from the beginning, describe the group's lag.
 */
class CommandLineToolsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    /** Exit code and what the command printed. */
    private record Run(int exit, String out, String err) {
    }

    private Run wharf(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream previous = System.in;
        try {
            if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = WharfCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setIn(previous);
        }
    }

    private String[] withBootstrap(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, 1);
        all[1] = "--bootstrap-server";
        all[2] = broker.bootstrapServers();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return all;
    }

    @Test
    void createProduceConsumeDescribeDelete() {
        Run created = wharf(null, withBootstrap("topics", "--create", "--topic", "quickstart-events",
            "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=3600000"));
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created topic quickstart-events.");

        Run list = wharf(null, withBootstrap("topics", "--list"));
        assertThat(list.out().lines()).contains("quickstart-events");

        Run describe = wharf(null, withBootstrap("topics", "--describe", "--topic", "quickstart-events"));
        assertThat(describe.exit()).as(describe.err()).isZero();
        assertThat(describe.out()).contains("PartitionCount: 3").contains("ReplicationFactor: 1")
            .contains("retention.ms=3600000").contains("Partition: 2\tLeader: 0");

        Run produced = wharf("This is my first event\nThis is my second event\nk1:keyed event\n",
            withBootstrap("console-producer", "--topic", "quickstart-events"));
        assertThat(produced.exit()).as(produced.err()).isZero();

        Run consumed = wharf(null, withBootstrap("console-consumer", "--topic", "quickstart-events",
            "--from-beginning", "--max-messages", "3", "--group", "readers"));
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        assertThat(consumed.out().lines()).containsExactlyInAnyOrder("This is my first event",
            "This is my second event", "k1:keyed event");

        Run groups = wharf(null, withBootstrap("consumer-groups", "--describe", "--group", "readers"));
        assertThat(groups.exit()).as(groups.err()).isZero();
        long lagZeroRows = groups.out().lines().filter(l -> l.startsWith("readers") && l.contains("quickstart-events"))
            .filter(l -> l.split("\\s+")[5].equals("0")).count();
        assertThat(lagZeroRows).as(groups.out()).isEqualTo(3);

        Run deleted = wharf(null, withBootstrap("topics", "--delete", "--topic", "quickstart-events"));
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(wharf(null, withBootstrap("topics", "--list")).out().lines()).doesNotContain("quickstart-events");
    }

    @Test
    void keysAreParsedOnlyWhenAsked() {
        wharf(null, withBootstrap("topics", "--create", "--topic", "keyed", "--partitions", "1"));
        Run produced = wharf("user-1:clicked\nuser-2:left\n",
            withBootstrap("console-producer", "--topic", "keyed", "--parse-key"));
        assertThat(produced.exit()).as(produced.err()).isZero();
        Run consumed = wharf(null, withBootstrap("console-consumer", "--topic", "keyed", "--from-beginning",
            "--max-messages", "2", "--print-key"));
        assertThat(consumed.out().lines()).containsExactly("user-1\tclicked", "user-2\tleft");
    }

    @Test
    void badArgumentsAndAnUnreachableBrokerExitNonZeroWithAMessage() {
        Run missingAction = wharf(null, "topics", "--topic", "x");
        assertThat(missingAction.exit()).isEqualTo(2);
        assertThat(missingAction.err()).contains("--create");

        Run createWithoutTopic = wharf(null, withBootstrap("topics", "--create"));
        assertThat(createWithoutTopic.exit()).isEqualTo(1);
        assertThat(createWithoutTopic.err()).contains("--topic");

        Run duplicate = wharf(null, withBootstrap("topics", "--create", "--topic", "twice"));
        assertThat(duplicate.exit()).isZero();
        Run again = wharf(null, withBootstrap("topics", "--create", "--topic", "twice"));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("twice").contains("already exists");

        Run unreachable = wharf(null, "topics", "--list", "--bootstrap-server", "127.0.0.1:1", "--timeout-ms", "2000");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("127.0.0.1:1");
    }
}
