package io.wharf.broker.security;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one user may do in one virtual host, in RabbitMQ's model: three regular expressions over resource names
 * (exchanges and queues), one each for configure (declare, delete), write (publish to, bind from) and read
 * (consume from, bind to, purge).
 *
 * <p>Matching follows {@code rabbit_auth_backend_internal:check_resource_access/4} exactly:
 * <ul>
 *   <li>{@code re:run(Name, Regex, [{capture, none}])} is an <em>unanchored</em> search, so {@code "foo"} matches
 *       {@code "a-foo-b"}; anchor with {@code ^...$} to match whole names. Here:
 *       {@link java.util.regex.Matcher#find()}.
 *   <li>The empty regex is replaced by {@code ^$}, so {@code ""} (like {@code "^$"}) grants nothing, and
 *       {@code ".*"} grants everything.
 *   <li>There is no special case for server-named queues: a queue declared with an empty name is checked under
 *       its generated name {@code amq.gen-...} like any other (RabbitMQ 1.x let {@code amq.gen*} through
 *       unchecked; today's {@code rabbit_channel} calls {@code check_configure_permitted} on the generated name).
 *   <li>The default exchange, named {@code ""}, is checked as {@code amq.default}
 *       ({@code rabbit_access_control:check_resource_access/4}); pass {@link #exchangeResource(String)}.
 * </ul>
 * The regexes are Java's {@link Pattern}, which agrees with Erlang's PCRE on the expressions people write
 * ({@code ^amq\.gen-.*}, {@code ^(orders|audit)$}); Erlang matches a name's UTF-8 bytes where Java matches its
 * characters, which differs only for {@code .} or ranges applied to non-ASCII names. A regex that does not
 * compile is refused when the permission is made (RabbitMQ's {@code set_permissions} runs {@code re:compile}
 * on each).
 *
 * <p>Immutable and thread-safe; the patterns are compiled once. Equality is on the five strings.
 */
public final class Permission {

    /** The name RabbitMQ checks permissions against for the default exchange {@code ""}. */
    public static final String DEFAULT_EXCHANGE_RESOURCE = "amq.default";
    /** What a new user gets on a new vhost in RabbitMQ's examples: everything. */
    public static final String ALL = ".*";

    private final String vhost;
    private final String user;
    private final String configure;
    private final String write;
    private final String read;
    private final Pattern configurePattern;
    private final Pattern writePattern;
    private final Pattern readPattern;

    /**
     * @throws IllegalArgumentException when a regex does not compile, naming which and why
     */
    public Permission(String vhost, String user, String configure, String write, String read) {
        this.vhost = Objects.requireNonNull(vhost, "vhost");
        this.user = Objects.requireNonNull(user, "user");
        this.configure = Objects.requireNonNull(configure, "configure");
        this.write = Objects.requireNonNull(write, "write");
        this.read = Objects.requireNonNull(read, "read");
        this.configurePattern = compile("configure", configure);
        this.writePattern = compile("write", write);
        this.readPattern = compile("read", read);
    }

    /** Full access, {@code ".*" ".*" ".*"}. */
    public static Permission all(String vhost, String user) {
        return new Permission(vhost, user, ALL, ALL, ALL);
    }

    /** The resource name to check for an exchange: {@code amq.default} for the default exchange {@code ""}. */
    public static String exchangeResource(String exchangeName) {
        return exchangeName.isEmpty() ? DEFAULT_EXCHANGE_RESOURCE : exchangeName;
    }

    public boolean canConfigure(String resource) {
        return configurePattern.matcher(resource).find();
    }

    public boolean canWrite(String resource) {
        return writePattern.matcher(resource).find();
    }

    public boolean canRead(String resource) {
        return readPattern.matcher(resource).find();
    }

    public String vhost() {
        return vhost;
    }

    public String user() {
        return user;
    }

    public String configure() {
        return configure;
    }

    public String write() {
        return write;
    }

    public String read() {
        return read;
    }

    /** Same regexes, another vhost and user. */
    boolean sameRegexes(Permission other) {
        return configure.equals(other.configure) && write.equals(other.write) && read.equals(other.read);
    }

    private static Pattern compile(String kind, String regex) {
        // RabbitMQ: <<"">> -> <<"^$">>, since an empty regex would match every name.
        String effective = regex.isEmpty() ? "^$" : regex;
        try {
            return Pattern.compile(effective);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid " + kind + " regular expression '" + regex + "': "
                    + e.getDescription() + " near index " + e.getIndex(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Permission p && vhost.equals(p.vhost) && user.equals(p.user) && sameRegexes(p);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vhost, user, configure, write, read);
    }

    @Override
    public String toString() {
        return "Permission[vhost=" + vhost + ", user=" + user + ", configure=" + configure + ", write=" + write
                + ", read=" + read + "]";
    }
}
