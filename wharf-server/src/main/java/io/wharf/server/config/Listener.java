package io.wharf.server.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A network endpoint the broker listens on, written {@code NAME://host:port} as in Kafka's
 * {@code listeners}: {@code PLAINTEXT://127.0.0.1:9092}, {@code AMQP://:5672}, {@code MQTT://[::1]:1883}.
 *
 * <p>The name says which front-end and security setting the endpoint serves ({@code PLAINTEXT},
 * {@code AMQP}, {@code MQTT}, {@code HTTP} or a custom name); like Kafka's listener names it is
 * case-insensitive and kept in upper case. An empty host means every interface and is kept as
 * {@value #ALL_INTERFACES}; an IPv6 host is written in brackets and kept without them. Port 0 asks the
 * operating system for a free port, which the server learns when it binds.
 *
 * @param name upper-case listener name
 * @param host host name or address to bind, an IPv6 address without brackets; empty becomes {@value #ALL_INTERFACES}
 * @param port 0 to 65535
 */
public record Listener(String name, String host, int port) {
    public static final String ALL_INTERFACES = "0.0.0.0";

    private static final String FORM = "expected NAME://host:port, e.g. PLAINTEXT://127.0.0.1:9092";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("listener name '" + name
                    + "' must start with a letter and contain only letters, digits, '_' and '-'");
        }
        if (host.startsWith("[")) {
            throw new IllegalArgumentException("host '" + host + "' must be given without brackets");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        name = name.toUpperCase(Locale.ROOT);
        host = host.isEmpty() ? ALL_INTERFACES : host;
    }

    /**
     * Parses {@code NAME://host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong; the message does not repeat the text, so the
     *                                  caller can say where the text came from (a key, a flag)
     */
    public static Listener parse(String text) {
        Objects.requireNonNull(text, "text");
        int separator = text.indexOf("://");
        if (separator < 0) throw new IllegalArgumentException(FORM);
        String name = text.substring(0, separator);
        String address = text.substring(separator + 3);
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("the IPv6 address has no closing ']'; " + FORM);
            host = address.substring(1, close);
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
            }
            if (!address.startsWith(":", close + 1)) {
                throw new IllegalArgumentException(
                        "expected ':port' after the IPv6 address, e.g. PLAINTEXT://[::1]:9092");
            }
            port = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException("no port; " + FORM);
            host = address.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 address must be in brackets, e.g. PLAINTEXT://[::1]:9092");
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            port = address.substring(colon + 1);
        }
        return new Listener(name, host, parsePort(port));
    }

    private static int parsePort(String port) {
        if (PORT.matcher(port).matches()) {
            int number = Integer.parseInt(port);
            if (number <= 65535) return number;
        }
        throw new IllegalArgumentException("port '" + port + "' is not a number from 0 to 65535");
    }

    /** Whether the listener binds every interface ({@code 0.0.0.0} or {@code [::]}). */
    public boolean bindsAllInterfaces() {
        return host.equals(ALL_INTERFACES) || host.equals("::");
    }

    /** {@code NAME://host:port}, brackets around an IPv6 host: the form {@link #parse} reads. */
    @Override
    public String toString() {
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return name + "://" + shownHost + ":" + port;
    }
}
