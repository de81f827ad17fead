package io.wharf.server.tools;

import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.Permission;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wharf permissions set|clear|list}: a user's configure, write and read regexes in a vhost, as
 * rabbitmqctl set_permissions, clear_permissions and list_permissions. The regexes follow RabbitMQ: a match
 * anywhere in a resource name counts (anchor with ^ and $), {@code ".*"} allows everything, {@code "^$"} or
 * {@code ""} nothing.
 */
@Command(name = "permissions", mixinStandardHelpOptions = true,
    description = "Set, clear or list users' permissions in virtual hosts (a running broker applies the change "
        + "within moments).",
    subcommands = {PermissionsCommand.Set.class, PermissionsCommand.Clear.class, PermissionsCommand.List.class})
public final class PermissionsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: set, clear or list");
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set a user's permissions in a virtual host, replacing any they had there.")
    static final class Set extends AccessCommand {
        @Option(names = {"--vhost", "-p"}, paramLabel = "VHOST", defaultValue = "/",
            description = "The virtual host (default: ${DEFAULT-VALUE}).")
        String vhost;

        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Parameters(index = "1", paramLabel = "CONFIGURE", description = "Regex of the resources USER may declare and delete.")
        String configure;

        @Parameters(index = "2", paramLabel = "WRITE", description = "Regex of the resources USER may publish to.")
        String write;

        @Parameters(index = "3", paramLabel = "READ", description = "Regex of the resources USER may consume from.")
        String read;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.setPermissions(vhost, user, configure, write, read);
            out.println("Set permissions of user " + quoted(user) + " in vhost " + quoted(vhost) + ".");
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Remove a user's permissions in a virtual host.")
    static final class Clear extends AccessCommand {
        @Option(names = {"--vhost", "-p"}, paramLabel = "VHOST", defaultValue = "/",
            description = "The virtual host (default: ${DEFAULT-VALUE}).")
        String vhost;

        @Parameters(paramLabel = "USER")
        String user;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.clearPermissions(vhost, user);
            out.println("Cleared permissions of user " + quoted(user) + " in vhost " + quoted(vhost) + ".");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List permissions, of one virtual host or of all.")
    static final class List extends AccessCommand {
        @Option(names = {"--vhost", "-p"}, paramLabel = "VHOST", description = "Only this virtual host.")
        String vhost;

        @Override
        void run(AccessControl access, PrintWriter out) {
            if (vhost != null && !access.vhostExists(vhost)) {
                throw new ToolException("vhost " + quoted(vhost) + " does not exist");
            }
            out.println("vhost\tuser\tconfigure\twrite\tread");
            for (Permission p : access.permissions()) {
                if (vhost == null || p.vhost().equals(vhost)) {
                    out.println(p.vhost() + "\t" + p.user() + "\t" + p.configure() + "\t" + p.write() + "\t" + p.read());
                }
            }
        }
    }
}
