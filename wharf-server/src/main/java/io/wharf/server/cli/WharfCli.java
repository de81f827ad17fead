package io.wharf.server.cli;

import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.MetadataException;
import io.wharf.log.LogDirException;
import io.wharf.server.config.ConfigException;
import io.wharf.server.tools.ConsoleConsumerCommand;
import io.wharf.server.tools.ConsoleProducerCommand;
import io.wharf.server.tools.ConsumerGroupsCommand;
import io.wharf.server.tools.PermissionsCommand;
import io.wharf.server.tools.ToolException;
import io.wharf.server.tools.TopicsCommand;
import io.wharf.server.tools.UsersCommand;
import io.wharf.server.tools.VhostsCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/wharf}: the command line. Failures the user can fix (bad configuration, a port in use, an
 * unusable log directory, ZooKeeper out of reach) print one line naming the cause and exit 1; usage
 * errors exit 2.
 */
@Command(name = "wharf", mixinStandardHelpOptions = true, version = "Wharf 0.1.0-SNAPSHOT",
    description = "One broker, three wire protocols (Kafka, AMQP 0-9-1, MQTT).",
    subcommands = {ServerCommand.class, TopicsCommand.class, ConsoleProducerCommand.class,
        ConsoleConsumerCommand.class, ConsumerGroupsCommand.class, VhostsCommand.class, UsersCommand.class,
        PermissionsCommand.class})
public final class WharfCli implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams (tests capture them). */
    public static int execute(PrintWriter out, PrintWriter errors, String... args) {
        CommandLine cli = new CommandLine(new WharfCli());
        cli.setOut(out);
        cli.setErr(errors);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ConfigException || e instanceof LogDirException || e instanceof MetadataException
                || e instanceof BrokerException || e instanceof ToolException) {
                err.println("wharf: " + e.getMessage());
            } else {
                err.println("wharf: unexpected error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }
}
