package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against {@code kill -9}: a broker in a JVM of its own is SIGKILLed (no shutdown, no last flush)
 * and started again on the same data. Every confirmed persistent message on a durable queue that was not
 * acknowledged must be there, in publish order, and no acknowledged one may come back.
 */
class AmqpKillNineTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void confirmedUnackedMessagesSurviveKillNineInOrderAndAckedOnesStayGone() throws Exception {
        int published = 2000;
        List<String> expected = new ArrayList<>();
        try (ChildBroker broker = ChildBroker.start(dir)) {
            Connection c = broker.amqpFactory().newConnection();
            try {
                Channel ch = c.createChannel();
                ch.queueDeclare("ledger", true, false, false, null);
                publishConfirmed(ch, "ledger", 0, published);

                // A consumer acknowledges the first 600, one by one, and holds the 50 after them unacknowledged.
                ch.basicQos(50);
                CountDownLatch acked = new CountDownLatch(600);
                CountDownLatch held = new CountDownLatch(50);
                String tag = ch.basicConsume("ledger", false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                        if (acked.getCount() > 0) {
                            ch.basicAck(e.getDeliveryTag(), false);
                            acked.countDown();
                        } else {
                            held.countDown();
                        }
                    }
                });
                assertThat(acked.await(30, TimeUnit.SECONDS)).as("600 deliveries acknowledged").isTrue();
                assertThat(held.await(30, TimeUnit.SECONDS)).as("50 more held").isTrue();
                ch.basicCancel(tag);
                // basic.get 100 more (650..749) and acknowledge every even one: settlements out of order.
                for (int i = 650; i < 750; i++) {
                    GetResponse r = ch.basicGet("ledger", false);
                    assertThat(text(r.getBody())).isEqualTo("m-" + i);
                    if (i % 2 == 0) ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                }
                // A synchronous method after the acks on the same channel: they have all been processed.
                ch.queueDeclarePassive("ledger");
                for (int i = 600; i < published; i++) {
                    if (i >= 650 && i < 750 && i % 2 == 0) continue;
                    expected.add("m-" + i);
                }
                broker.kill();
            } finally {
                c.abort();
            }
        }
        try (ChildBroker broker = ChildBroker.start(dir)) {
            Connection c = broker.amqpFactory().newConnection();
            assertThat(broker.output()).contains("unclean shutdown");
            Channel ch = c.createChannel();
            assertThat(ch.queueDeclarePassive("ledger").getMessageCount()).isEqualTo(expected.size());
            // Take the first 100 for good, then publish 10 more: the log goes on after its recovery.
            for (int i = 0; i < 100; i++) {
                GetResponse r = ch.basicGet("ledger", false);
                assertThat(text(r.getBody())).isEqualTo(expected.get(i));
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
            publishConfirmed(ch, "ledger", published, published + 10);
            ch.queueDeclarePassive("ledger");
            broker.kill();
            c.abort();
        }
        List<String> remaining = new ArrayList<>(expected.subList(100, expected.size()));
        IntStream.range(published, published + 10).forEach(i -> remaining.add("m-" + i));
        try (ChildBroker broker = ChildBroker.start(dir); Connection c = broker.amqpFactory().newConnection()) {
            assertThat(drain(c.createChannel(), "ledger")).containsExactlyElementsOf(remaining);
        }
    }

    @Test
    void acknowledgementsBeyondAJournalCheckpointSurviveKillNine() throws Exception {
        // The cursor journal writes a checkpoint every 50,000 settlements and the queue's log start moves up
        // to the ack floor: a crash right after must neither lose nor resurrect anything.
        int published = 60_000;
        int acknowledged = 55_000;
        try (ChildBroker broker = ChildBroker.start(dir)) {
            Connection c = broker.amqpFactory().newConnection();
            try {
                Channel ch = c.createChannel();
                ch.queueDeclare("bulk", true, false, false, null);
                // In bursts of 5,000: one unbroken burst of small messages hits another bug (see AmqpConfirmsLoadTest).
                for (int from = 0; from < published; from += 5_000) publishConfirmed(ch, "bulk", from, from + 5_000);
                ch.basicQos(1000);
                CountDownLatch done = new CountDownLatch(acknowledged);
                String tag = ch.basicConsume("bulk", false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                        if (done.getCount() == 0) return;
                        done.countDown();
                        long n = acknowledged - done.getCount();
                        if (n % 500 == 0) ch.basicAck(e.getDeliveryTag(), true);
                    }
                });
                assertThat(done.await(60, TimeUnit.SECONDS)).as("55,000 delivered").isTrue();
                ch.basicCancel(tag);
                ch.queueDeclarePassive("bulk");
                broker.kill();
            } finally {
                c.abort();
            }
        }
        try (ChildBroker broker = ChildBroker.start(dir); Connection c = broker.amqpFactory().newConnection()) {
            List<String> got = drain(c.createChannel(), "bulk");
            assertThat(got).containsExactlyElementsOf(IntStream.range(acknowledged, published).mapToObj(i -> "m-" + i).toList());
        }
    }

    @Test
    void aKillNineInTheMiddleOfAPublishStreamKeepsEveryConfirmedMessageInOrder() throws Exception {
        // Bodies of 1 KiB: bursts of tiny ones hit another bug (see AmqpConfirmsLoadTest).
        AtomicLong confirmedUpTo = new AtomicLong();
        AtomicLong published = new AtomicLong();
        try (ChildBroker broker = ChildBroker.start(dir)) {
            Connection c = broker.amqpFactory().newConnection();
            try {
                Channel ch = c.createChannel();
                ch.queueDeclare("stream", true, false, false, null);
                ch.confirmSelect();
                ch.addConfirmListener(new ConfirmListener() {
                    @Override
                    public void handleAck(long seq, boolean multiple) {
                        // Acks come in order with multiple, or one by one: keep the contiguous prefix.
                        if (multiple || seq == confirmedUpTo.get() + 1) confirmedUpTo.accumulateAndGet(seq, Math::max);
                    }

                    @Override
                    public void handleNack(long seq, boolean multiple) {
                        throw new AssertionError("nack " + seq);
                    }
                });
                Thread publisher = new Thread(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            ch.basicPublish("", "stream", MessageProperties.PERSISTENT_BASIC, kilobyte("m-" + i));
                            published.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // the broker died
                    }
                }, "publisher");
                publisher.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (confirmedUpTo.get() < 5_000 && System.nanoTime() < deadline) Thread.sleep(5);
                assertThat(confirmedUpTo.get()).as("confirmed before the kill").isGreaterThanOrEqualTo(5_000);
                broker.kill();
                publisher.join(10_000);
            } finally {
                c.abort();
            }
        }
        long confirmed = confirmedUpTo.get();
        try (ChildBroker broker = ChildBroker.start(dir); Connection c = broker.amqpFactory().newConnection()) {
            List<String> got = new ArrayList<>();
            Channel ch = c.createChannel();
            GetResponse r;
            while ((r = ch.basicGet("stream", true)) != null) got.add(text(r.getBody()).substring(0, text(r.getBody()).indexOf('.')));
            // What survived is a prefix of what was published, with every confirmed message in it.
            assertThat((long) got.size()).isBetween(confirmed, published.get());
            for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).isEqualTo("m-" + i);
        }
    }

    private static byte[] kilobyte(String prefix) {
        byte[] b = new byte[1024];
        java.util.Arrays.fill(b, (byte) '.');
        byte[] p = utf8(prefix);
        System.arraycopy(p, 0, b, 0, p.length);
        return b;
    }

    /** Publishes m-from .. m-(to-1), persistent, with confirms, and waits for every confirm. */
    private static void publishConfirmed(Channel ch, String queue, int from, int to) throws Exception {
        ch.confirmSelect();
        for (int i = from; i < to; i++) ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, utf8("m-" + i));
        ch.waitForConfirmsOrDie(30_000);
    }

    private static List<String> drain(Channel ch, String queue) throws Exception {
        List<String> got = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) got.add(text(r.getBody()));
        return got;
    }
}
