package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publisher confirms under load, and the sizes of message a publisher may send: tens of thousands of
 * persistent messages to a durable queue, confirmed asynchronously (acks with {@code multiple}), each
 * sequence number exactly once and none nacked; single messages from 2 MiB up to the 16 MiB maximum.
 */
class AmqpConfirmsLoadTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    /** Counts confirms as the Java client reports them; every ack or nack must settle at least one new number. */
    static final class ConfirmTally implements ConfirmListener {
        private final BitSet confirmed = new BitSet();
        private long highestMultiple;
        int redundant;
        int nacked;
        final AtomicInteger count = new AtomicInteger();

        @Override
        public synchronized void handleAck(long seq, boolean multiple) {
            int fresh = 0;
            long from = multiple ? highestMultiple + 1 : seq;
            for (long s = from; s <= seq; s++) {
                if (!confirmed.get((int) s)) {
                    confirmed.set((int) s);
                    fresh++;
                }
            }
            if (multiple) highestMultiple = Math.max(highestMultiple, seq);
            if (fresh == 0) redundant++;
            count.addAndGet(fresh);
        }

        @Override
        public synchronized void handleNack(long seq, boolean multiple) {
            nacked++;
        }

        synchronized int missingBelow(int n) {
            return n - confirmed.get(1, n + 1).cardinality();
        }
    }

    /** Publishes {@code n} persistent messages of {@code bodySize} bytes with async confirms; returns the tally. */
    private static ConfirmTally publishAll(Connection c, String queue, int n, int bodySize) throws Exception {
        Channel ch = c.createChannel();
        ch.queueDeclare(queue, true, false, false, null);
        ch.confirmSelect();
        ConfirmTally tally = new ConfirmTally();
        ch.addConfirmListener(tally);
        for (int i = 0; i < n; i++) ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body(i, bodySize));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (tally.count.get() < n && c.isOpen() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(c.isOpen()).as("connection still open; closed by: %s", c.getCloseReason()).isTrue();
        return tally;
    }

    private static byte[] body(int i, int size) {
        byte[] prefix = ("m-" + i).getBytes(StandardCharsets.UTF_8);
        if (size <= prefix.length) return prefix;
        byte[] b = Arrays.copyOf(prefix, size);
        Arrays.fill(b, prefix.length, size, (byte) '.');
        return b;
    }

    private static void assertEveryNumberConfirmedOnce(ConfirmTally tally, int n) {
        assertThat(tally.count.get()).as("sequence numbers confirmed").isEqualTo(n);
        assertThat(tally.missingBelow(n)).isZero();
        assertThat(tally.redundant).as("acks that confirmed nothing new").isZero();
        assertThat(tally.nacked).as("nacks").isZero();
    }

    @Test
    void fiftyThousandSmallPersistentMessagesAreEachConfirmedExactlyOnce() throws Exception {
        String q = "load-" + UUID.randomUUID();
        try (Connection c = broker.amqpFactory().newConnection()) {
            ConfirmTally tally = publishAll(c, q, 50_000, 0);
            assertEveryNumberConfirmedOnce(tally, 50_000);
            Channel ch = c.createChannel();
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(50_000);
            assertThat(new String(ch.basicGet(q, true).getBody(), StandardCharsets.UTF_8)).isEqualTo("m-0");
            ch.queueDelete(q);
        }
    }

    @Test
    void twentyThousandKilobytePersistentMessagesAreEachConfirmedExactlyOnce() throws Exception {
        String q = "load-" + UUID.randomUUID();
        try (Connection c = broker.amqpFactory().newConnection()) {
            ConfirmTally tally = publishAll(c, q, 20_000, 1024);
            assertEveryNumberConfirmedOnce(tally, 20_000);
            Channel ch = c.createChannel();
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(20_000);
            ch.queueDelete(q);
        }
    }

    @Test
    void aTwoMebibyteMessageIsConfirmedAndRoundTrips() throws Exception {
        assertRoundTrip(2 * 1024 * 1024);
    }

    @Test
    void aMessageOfExactlyTheMaximumSizeIsConfirmedAndRoundTrips() throws Exception {
        assertRoundTrip(16 * 1024 * 1024);
    }

    @Test
    void aMessageJustUnderOneMebibyteIsConfirmedAndRoundTrips() throws Exception {
        assertRoundTrip(1000 * 1000);
    }

    private static void assertRoundTrip(int size) throws Exception {
        String q = "big-" + UUID.randomUUID();
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(q, true, false, false, null);
            ch.confirmSelect();
            byte[] big = body(7, size);
            ch.basicPublish("", q, MessageProperties.PERSISTENT_BASIC, big);
            assertThat(ch.waitForConfirms(30_000)).as("acked, not nacked").isTrue();
            GetResponse r = ch.basicGet(q, true);
            assertThat(r).isNotNull();
            assertThat(r.getBody()).hasSize(size);
            assertThat(Arrays.equals(r.getBody(), big)).isTrue();
            ch.queueDelete(q);
        }
    }
}
