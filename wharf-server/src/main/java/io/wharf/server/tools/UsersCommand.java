package io.wharf.server.tools;

import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.User;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wharf users add|delete|list|passwd|tags}: users, as rabbitmqctl add_user, delete_user, list_users,
 * change_password and set_user_tags.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
    description = "Add, delete or list users, change a password, set tags (a running broker applies the change "
        + "within moments).",
    subcommands = {UsersCommand.Add.class, UsersCommand.Delete.class, UsersCommand.List.class,
        UsersCommand.Passwd.class, UsersCommand.Tags.class})
public final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: add, delete, list, passwd or tags");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user.")
    static final class Add extends AccessCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password", required = true, paramLabel = "PASSWORD", description = "Its password.")
        String password;

        @Option(names = "--tags", split = ",", paramLabel = "TAG",
            description = "Comma-separated tags: administrator, management, monitoring, policymaker, impersonator, "
                + "or any other.")
        java.util.List<String> tags = new ArrayList<>();

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.addUser(name, password, new LinkedHashSet<>(tags));
            out.println("Added user " + quoted(name) + ".");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user and their permissions.")
    static final class Delete extends AccessCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.deleteUser(name);
            out.println("Deleted user " + quoted(name) + ".");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users and their tags.")
    static final class List extends AccessCommand {
        @Override
        void run(AccessControl access, PrintWriter out) {
            out.println("user\ttags");
            for (User user : access.users()) {
                out.println(user.name() + "\t" + tags(user.tags()));
            }
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password.")
    static final class Passwd extends AccessCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password", required = true, paramLabel = "PASSWORD", description = "The new password.")
        String password;

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.changePassword(name, password);
            out.println("Changed the password of user " + quoted(name) + ".");
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true,
        description = "Set a user's tags, replacing the old ones; no TAG clears them.")
    static final class Tags extends AccessCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "TAG")
        java.util.List<String> tags = new ArrayList<>();

        @Override
        void run(AccessControl access, PrintWriter out) {
            access.setTags(name, new LinkedHashSet<>(tags));
            out.println("Set the tags of user " + quoted(name) + " to " + tags(access.user(name).orElseThrow().tags())
                + ".");
        }
    }

    /** rabbitmqctl's form: {@code [administrator, management]}. */
    static String tags(Set<String> tags) {
        return "[" + String.join(", ", tags) + "]";
    }
}
