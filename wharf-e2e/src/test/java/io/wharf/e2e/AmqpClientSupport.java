package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the AMQP end-to-end tests do with RabbitMQ's client again and again. */
final class AmqpClientSupport {
    private AmqpClientSupport() {
    }

    interface ChannelAction {
        void run(Channel ch) throws Exception;
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    /** Every ready message of {@code queue}, taken with auto-ack basic.get, as text. */
    static List<String> drain(Channel ch, String queue) throws IOException {
        List<String> got = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) got.add(text(r.getBody()));
        return got;
    }

    /**
     * Runs {@code action} on a new channel of {@code c} and returns the Channel.Close the broker answered it
     * with; fails if the broker closed the connection instead, or nothing.
     */
    static AMQP.Channel.Close channelClose(Connection c, ChannelAction action) throws Exception {
        Channel ch = c.createChannel();
        try {
            action.run(ch);
            // Errors of asynchronous methods (publish, ack) arrive later: a synchronous call brings them in.
            ch.basicQos(0);
        } catch (IOException | AlreadyClosedException e) {
            // expected: the channel was closed by the broker
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ch.isOpen() && System.nanoTime() < deadline) Thread.onSpinWait();
        ShutdownSignalException cause = ch.getCloseReason();
        assertThat(cause).as("channel closed by the broker").isNotNull();
        assertThat(cause.isHardError()).as("a channel error, not a connection error").isFalse();
        return (AMQP.Channel.Close) cause.getReason();
    }
}
