package io.wharf.amqp.connection;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.AmqpSettings;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.User;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a connection (spec 1.4.2.1-1.4.2.6): the server properties and capabilities offered in
 * Connection.Start, the SASL login of Start-Ok (PLAIN, AMQPLAIN) against Wharf's users, and Tune. A failed
 * login is answered with 403 ACCESS_REFUSED, as RabbitMQ does for clients announcing
 * {@code authentication_failure_close}.
 */
final class Handshake {
    private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);
    private static final String VERSION = "0.1.0";

    private final AccessControl access;
    private final AmqpSettings settings;

    Handshake(AccessControl access, AmqpSettings settings) {
        this.access = access;
        this.settings = settings;
    }

    AMQImpl.Connection.Start start() {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        for (String c : new String[] {"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
            "consumer_cancel_notify", "connection.blocked", "consumer_priorities", "authentication_failure_close",
            "per_consumer_qos", "direct_reply_to"}) {
            capabilities.put(c, Boolean.TRUE);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("capabilities", capabilities);
        props.put("product", LongStringHelper.asLongString("Wharf"));
        props.put("version", LongStringHelper.asLongString(VERSION));
        props.put("platform", LongStringHelper.asLongString("Java " + System.getProperty("java.version")));
        props.put("copyright", LongStringHelper.asLongString("The Wharf authors"));
        props.put("information", LongStringHelper.asLongString("One broker, three wire protocols"));
        props.put("cluster_name", LongStringHelper.asLongString("wharf"));
        return new AMQImpl.Connection.Start(0, 9, props, LongStringHelper.asLongString("PLAIN AMQPLAIN"),
            LongStringHelper.asLongString("en_US"));
    }

    AMQImpl.Connection.Tune tune() {
        return new AMQImpl.Connection.Tune(settings.channelMax(), settings.frameMax(), settings.heartbeatSeconds());
    }

    /**
     * The user Start-Ok logs in as; 403 ACCESS_REFUSED (a connection error here) when the login fails.
     * Loopback-only users are checked on the socket's local address, as RabbitMQ does.
     */
    User authenticate(AMQImpl.Connection.StartOk startOk, InetSocketAddress remote, InetSocketAddress local) {
        String mechanism = startOk.getMechanism();
        byte[] response = startOk.getResponse() == null ? new byte[0] : startOk.getResponse().getBytes();
        String[] credentials = switch (mechanism) {
            case "PLAIN" -> plain(response);
            case "AMQPLAIN" -> amqplain(response);
            default -> throw AmqpException.of(AmqpException.ACCESS_REFUSED, "unsupported authentication mechanism '"
                + mechanism + "'; use PLAIN or AMQPLAIN", startOk);
        };
        Optional<User> user = credentials == null ? Optional.empty() : access.authenticate(credentials[0], credentials[1]);
        if (user.isEmpty()) {
            LOG.info("AMQP login refused for user '{}' from {} ({})", credentials == null ? "?" : credentials[0], remote, mechanism);
            throw refused(mechanism, startOk);
        }
        if (!settings.loopbackUsers().mayConnect(user.get().name(), local.getAddress())) {
            LOG.info("AMQP login refused for user '{}' from {}: it may only connect via localhost", user.get().name(), remote);
            throw AmqpException.of(AmqpException.ACCESS_REFUSED, "Login was refused using authentication mechanism "
                + mechanism + ". User '" + user.get().name() + "' can only connect via localhost", startOk);
        }
        return user.get();
    }

    private static AmqpException refused(String mechanism, AMQImpl.Connection.StartOk startOk) {
        return AmqpException.of(AmqpException.ACCESS_REFUSED, "Login was refused using authentication mechanism "
            + mechanism + ". For details see the broker logfile.", startOk);
    }

    /** SASL PLAIN: authzid NUL authcid NUL password. */
    private static String[] plain(byte[] response) {
        String s = new String(response, StandardCharsets.UTF_8);
        int first = s.indexOf('\0');
        int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
        if (second < 0) return null;
        return new String[] {s.substring(first + 1, second), s.substring(second + 1)};
    }

    /** AMQPLAIN: a field table without its length prefix, holding LOGIN and PASSWORD. */
    private static String[] amqplain(byte[] response) {
        byte[] table = new byte[response.length + 4];
        table[0] = (byte) (response.length >>> 24);
        table[1] = (byte) (response.length >>> 16);
        table[2] = (byte) (response.length >>> 8);
        table[3] = (byte) response.length;
        System.arraycopy(response, 0, table, 4, response.length);
        try {
            Map<String, Object> fields = new com.rabbitmq.client.impl.ValueReader(
                new DataInputStream(new ByteArrayInputStream(table))).readTable();
            Object login = fields.get("LOGIN");
            Object password = fields.get("PASSWORD");
            if (login == null || password == null) return null;
            return new String[] {text(login), text(password)};
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(Object o) {
        return o instanceof LongString s ? s.toString() : String.valueOf(o);
    }
}
