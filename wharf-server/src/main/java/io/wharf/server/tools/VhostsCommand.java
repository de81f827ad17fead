package io.wharf.server.tools;

import io.wharf.broker.security.AccessControl;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wharf vhosts add|delete|list}: virtual hosts, as rabbitmqctl add_vhost, delete_vhost, list_vhosts. */
@Command(name = "vhosts", mixinStandardHelpOptions = true,
    description = "Add, delete or list virtual hosts (a running broker applies the change within moments).",
    subcommands = {VhostsCommand.Add.class, VhostsCommand.Delete.class, VhostsCommand.List.class})
public final class VhostsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: add, delete or list");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a virtual host.")
    static final class Add extends AccessCommand {
        @Parameters(paramLabel = "VHOST", description = "Its name, for example / or /shop.")
        String vhost;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.addVhost(vhost);
            out.println("Added vhost " + quoted(vhost) + ".");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a virtual host and every permission in it.")
    static final class Delete extends AccessCommand {
        @Parameters(paramLabel = "VHOST")
        String vhost;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.deleteVhost(vhost);
            out.println("Deleted vhost " + quoted(vhost) + ".");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the virtual hosts.")
    static final class List extends AccessCommand {
        @Override
        void run(AccessControl access, PrintWriter out) {
            out.println("name");
            access.vhosts().forEach(out::println);
        }
    }
}
