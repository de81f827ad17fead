package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a consuming application relies on, with RabbitMQ's Java client: unacknowledged deliveries come back
 * (marked redelivered, in order) when their connection goes, on recover and on nack; a deleted queue
 * cancels its consumers; exclusive and auto-delete queues go away when they should; a channel's prefetch
 * is shared by its consumers.
 */
class AmqpConsumerSemanticsTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static Connection observer;

    @BeforeAll
    static void start() throws Exception {
        observer = broker.amqpFactory().newConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        if (observer != null) observer.abort();
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    /** A delivery as a consumer saw it. */
    record Delivery(String body, long tag, boolean redelivered) {
    }

    /** A consumer that records its deliveries and acknowledges nothing by itself. */
    static final class Recorder extends DefaultConsumer {
        final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        final CountDownLatch cancelledByBroker = new CountDownLatch(1);

        Recorder(Channel ch) { super(ch); }

        @Override
        public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) {
            deliveries.add(new Delivery(text(body), e.getDeliveryTag(), e.isRedeliver()));
        }

        @Override
        public void handleCancel(String consumerTag) {
            cancelledByBroker.countDown();
        }

        /** The next {@code n} deliveries, waiting up to 10 s for each. */
        List<Delivery> next(int n) throws InterruptedException {
            List<Delivery> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Delivery d = deliveries.poll(10, TimeUnit.SECONDS);
                assertThat(d).as("delivery %d of %d", i + 1, n).isNotNull();
                out.add(d);
            }
            return out;
        }
    }

    private static String queueWith(int messages) throws Exception {
        return queueWith(messages, false);
    }

    private static String queueWith(int messages, boolean durable) throws Exception {
        Channel ch = observer.createChannel();
        String q = "q-" + UUID.randomUUID();
        ch.queueDeclare(q, durable, false, false, null);
        for (int i = 0; i < messages; i++) ch.basicPublish("", q, null, utf8("m-" + i));
        ch.close();
        return q;
    }

    private static List<Delivery> drain(String queue) throws Exception {
        Channel ch = observer.createChannel();
        List<Delivery> out = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) {
            out.add(new Delivery(text(r.getBody()), 0, r.getEnvelope().isRedeliver()));
        }
        ch.close();
        return out;
    }

    private static List<String> bodies(List<Delivery> ds) { return ds.stream().map(Delivery::body).toList(); }

    private static List<Boolean> redelivered(List<Delivery> ds) { return ds.stream().map(Delivery::redelivered).toList(); }

    /** The reply code of a passive declare of {@code queue} from the observer: 200 if it exists. */
    private static int passiveDeclare(String queue) throws Exception {
        Channel ch = observer.createChannel();
        try {
            ch.queueDeclarePassive(queue);
            ch.close();
            return 200;
        } catch (IOException e) {
            return ((AMQP.Channel.Close) ((ShutdownSignalException) e.getCause()).getReason()).getReplyCode();
        }
    }

    private static int readyCount(String queue) throws Exception {
        Channel ch = observer.createChannel();
        int n = ch.queueDeclarePassive(queue).getMessageCount();
        ch.close();
        return n;
    }

    /** Polls {@code condition} until it holds; fails after 10 s. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    // ---- requeue when the connection goes ----

    @Test
    void unackedDeliveriesOfEveryChannelAreRequeuedAsRedeliveredWhenTheConnectionCloses() throws Exception {
        String q = queueWith(10);
        Connection c = broker.amqpFactory().newConnection();
        Channel consuming = c.createChannel();
        consuming.basicQos(3);
        Recorder r = new Recorder(consuming);
        String tag = consuming.basicConsume(q, false, r);
        assertThat(bodies(r.next(3))).containsExactly("m-0", "m-1", "m-2");
        consuming.basicCancel(tag); // cancelled, its deliveries still unacknowledged
        Channel getting = c.createChannel();
        assertThat(text(getting.basicGet(q, false).getBody())).isEqualTo("m-3");
        c.close();
        List<Delivery> all = drain(q);
        assertThat(bodies(all)).containsExactly("m-0", "m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7", "m-8", "m-9");
        assertThat(redelivered(all)).containsExactly(true, true, true, true, false, false, false, false, false, false);
    }

    @Test
    void unackedDeliveriesAreRequeuedWhenTheConnectionDropsWithoutClosing() throws Exception {
        String q = queueWith(5);
        Connection c = broker.amqpFactory().newConnection();
        Channel ch = c.createChannel();
        Recorder r = new Recorder(ch);
        ch.basicConsume(q, false, r);
        r.next(5);
        c.abort(); // the socket goes, no Connection.Close
        await("the 5 deliveries are back in the queue", () -> {
            try {
                return readyCount(q) == 5;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<Delivery> all = drain(q);
        assertThat(bodies(all)).containsExactly("m-0", "m-1", "m-2", "m-3", "m-4");
        assertThat(redelivered(all)).containsOnly(true);
    }

    // ---- recover and nack ----

    @Test
    void basicRecoverWithRequeueRedeliversEveryUnackedDeliveryInOrder() throws Exception {
        String q = queueWith(3);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            List<Delivery> first = r.next(3);
            assertThat(redelivered(first)).containsOnly(false);
            ch.basicRecover(true);
            List<Delivery> again = r.next(3);
            assertThat(bodies(again)).containsExactly("m-0", "m-1", "m-2");
            assertThat(redelivered(again)).containsOnly(true);
            // New tags; the old ones are void.
            assertThat(again.get(0).tag()).isGreaterThan(first.get(2).tag());
            ch.basicAck(again.get(2).tag(), true);
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
        }
        assertThat(drain(q)).isEmpty();
    }

    @Test
    void nackMultipleWithRequeueGivesTheDeliveriesBackInTheirOriginalOrder() throws Exception {
        String q = queueWith(10);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicQos(5);
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            List<Delivery> first = r.next(5);
            assertThat(bodies(first)).containsExactly("m-0", "m-1", "m-2", "m-3", "m-4");
            ch.basicNack(first.get(4).tag(), true, true);
            List<Delivery> again = r.next(5);
            assertThat(bodies(again)).containsExactly("m-0", "m-1", "m-2", "m-3", "m-4");
            assertThat(redelivered(again)).containsOnly(true);
            ch.basicAck(again.get(4).tag(), true);
            List<Delivery> rest = r.next(5);
            assertThat(bodies(rest)).containsExactly("m-5", "m-6", "m-7", "m-8", "m-9");
            assertThat(redelivered(rest)).containsOnly(false);
            ch.basicAck(rest.get(4).tag(), true);
        }
        assertThat(drain(q)).isEmpty();
    }

    @Test
    void nackOfTheMiddleDeliveryWithMultipleLeavesTheLaterOnesUnacked() throws Exception {
        String q = queueWith(4);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            List<Delivery> first = r.next(4);
            ch.basicNack(first.get(1).tag(), true, true); // m-0 and m-1
            assertThat(bodies(r.next(2))).containsExactly("m-0", "m-1");
            ch.basicAck(first.get(3).tag(), false);     // m-3 is still ours to ack
            ch.basicQos(0);                             // a synchronous method: the ack is processed
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
        }
        // m-0, m-1 (redelivered and unacked) and m-2 come back; m-3 was acknowledged.
        assertThat(bodies(drain(q))).containsExactly("m-0", "m-1", "m-2");
    }

    // ---- queue lifecycle under consumers ----

    @Test
    void deletingAQueueUnderAConsumerCancelsItWithBasicCancel() throws Exception {
        String q = queueWith(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, true, r);
            Channel other = observer.createChannel();
            other.queueDelete(q);
            other.close();
            assertThat(r.cancelledByBroker.await(10, TimeUnit.SECONDS)).as("handleCancel called").isTrue();
            assertThat(ch.isOpen()).isTrue();
        }
        assertThat(passiveDeclare(q)).isEqualTo(404);
    }

    @Test
    void ackingADeliveryOfADeletedDurableQueueIsHarmless() throws Exception {
        String q = queueWith(1, true);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            Delivery d = r.next(1).get(0);
            Channel other = observer.createChannel();
            other.queueDelete(q);
            other.close();
            assertThat(r.cancelledByBroker.await(10, TimeUnit.SECONDS)).isTrue();
            ch.basicAck(d.tag(), false);
            ch.basicQos(0); // a synchronous method: the ack is processed
            assertThat(ch.isOpen()).isTrue();
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void ackingADeliveryOfADeletedTransientQueueIsHarmless() throws Exception {
        String q = queueWith(1, false);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            Delivery d = r.next(1).get(0);
            Channel other = observer.createChannel();
            other.queueDelete(q);
            other.close();
            assertThat(r.cancelledByBroker.await(10, TimeUnit.SECONDS)).isTrue();
            ch.basicAck(d.tag(), false);
            ch.basicQos(0);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void anExclusiveQueueVanishesWhenItsConnectionCloses() throws Exception {
        Connection c = broker.amqpFactory().newConnection();
        Channel ch = c.createChannel();
        String q = ch.queueDeclare("", false, true, false, null).getQueue();
        ch.basicPublish("", q, null, utf8("x"));
        assertThat(passiveDeclare(q)).as("locked to its connection").isEqualTo(405);
        c.close();
        assertThat(passiveDeclare(q)).isEqualTo(404);
    }

    @Test
    void anExclusiveQueueVanishesWhenItsConnectionDrops() throws Exception {
        Connection c = broker.amqpFactory().newConnection();
        String q = c.createChannel().queueDeclare("", true, true, false, null).getQueue();
        c.abort();
        await("the exclusive queue is gone", () -> {
            try {
                return passiveDeclare(q) == 404;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void anAutoDeleteQueueVanishesWhenItsLastConsumerCancels() throws Exception {
        Channel setup = observer.createChannel();
        String q = "auto-" + UUID.randomUUID();
        setup.queueDeclare(q, false, false, true, null);
        setup.close();
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel a = c.createChannel();
            Channel b = c.createChannel();
            String ta = a.basicConsume(q, true, new Recorder(a));
            String tb = b.basicConsume(q, true, new Recorder(b));
            a.basicCancel(ta);
            assertThat(passiveDeclare(q)).as("one consumer left").isEqualTo(200);
            b.basicCancel(tb);
            assertThat(passiveDeclare(q)).as("no consumer left").isEqualTo(404);
        }
    }

    @Test
    void anAutoDeleteQueueNeverConsumedFromStays() throws Exception {
        Channel setup = observer.createChannel();
        String q = "auto-" + UUID.randomUUID();
        setup.queueDeclare(q, false, false, true, null);
        setup.basicGet(q, true);
        setup.close();
        assertThat(passiveDeclare(q)).isEqualTo(200);
    }

    @Test
    void anAutoDeleteQueueVanishesWhenItsLastConsumersConnectionCloses() throws Exception {
        Channel setup = observer.createChannel();
        String q = "auto-" + UUID.randomUUID();
        setup.queueDeclare(q, false, false, true, null);
        setup.close();
        Connection c = broker.amqpFactory().newConnection();
        Channel ch = c.createChannel();
        ch.basicConsume(q, true, new Recorder(ch));
        c.close();
        assertThat(passiveDeclare(q)).isEqualTo(404);
    }

    // ---- exclusive consumers ----

    @Test
    void aQueueWithAnExclusiveConsumerRefusesAnyOtherConsumer() throws Exception {
        String q = queueWith(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel a = c.createChannel();
            a.basicConsume(q, true, "owner", false, true, null, new Recorder(a));
            Channel b = c.createChannel();
            try {
                b.basicConsume(q, true, new Recorder(b));
            } catch (IOException e) {
                // expected
            }
            ShutdownSignalException why = b.getCloseReason();
            assertThat(why).as("second consumer refused").isNotNull();
            assertThat(((AMQP.Channel.Close) why.getReason()).getReplyCode()).isEqualTo(403);
        }
    }

    @Test
    void anExclusiveConsumerIsRefusedOnAQueueThatHasConsumers() throws Exception {
        String q = queueWith(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel a = c.createChannel();
            a.basicConsume(q, true, new Recorder(a));
            Channel b = c.createChannel();
            try {
                b.basicConsume(q, true, "wants-all", false, true, null, new Recorder(b));
            } catch (IOException e) {
                // expected
            }
            ShutdownSignalException why = b.getCloseReason();
            assertThat(why).isNotNull();
            assertThat(((AMQP.Channel.Close) why.getReason()).getReplyCode()).isEqualTo(403);
        }
    }

    // ---- prefetch ----

    @Test
    void aGlobalPrefetchIsSharedByTheConsumersOfTheChannel() throws Exception {
        String q1 = queueWith(20);
        String q2 = queueWith(20);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicQos(5, true);
            Recorder r1 = new Recorder(ch);
            Recorder r2 = new Recorder(ch);
            ch.basicConsume(q1, false, r1);
            ch.basicConsume(q2, false, r2);
            // Dispatch happens as each consumer is added: by now the broker has handed out all it will.
            ch.queueDeclarePassive(q1);
            assertThat(readyCount(q1) + readyCount(q2)).as("taken from both queues").isEqualTo(35);
            await("five deliveries seen", () -> r1.deliveries.size() + r2.deliveries.size() == 5);
            // Each acknowledgement frees one slot, for either consumer.
            Recorder some = r1.deliveries.isEmpty() ? r2 : r1;
            ch.basicAck(some.deliveries.take().tag(), false);
            ch.queueDeclarePassive(q1);
            assertThat(readyCount(q1) + readyCount(q2)).isEqualTo(34);
            await("five unacknowledged deliveries again", () -> r1.deliveries.size() + r2.deliveries.size() == 5);
        }
    }

    @Test
    void aGlobalPrefetchAndAPerConsumerPrefetchBothApply() throws Exception {
        String q1 = queueWith(20);
        String q2 = queueWith(20);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicQos(2, false); // per consumer, for consumers created from now on
            ch.basicQos(3, true);  // shared by the channel
            Recorder r1 = new Recorder(ch);
            Recorder r2 = new Recorder(ch);
            ch.basicConsume(q1, false, r1);
            ch.basicConsume(q2, false, r2);
            ch.queueDeclarePassive(q1);
            assertThat(readyCount(q1)).as("consumer 1 stops at its own limit of 2").isEqualTo(18);
            assertThat(readyCount(q2)).as("consumer 2 gets what is left of the channel's 3").isEqualTo(19);
        }
    }

    @Test
    void aGlobalPrefetchHoldsWhenTwoQueuesOfTheChannelReceiveAtTheSameInstant() throws Exception {
        // The channel's credit is checked by each queue under its own lock: publishes to two queues from two
        // connections at once must still not hand out more than the channel's one.
        int exceeded = 0;
        try (Connection consumerSide = broker.amqpFactory().newConnection();
             Connection pa = broker.amqpFactory().newConnection();
             Connection pb = broker.amqpFactory().newConnection()) {
            Channel chA = pa.createChannel();
            Channel chB = pb.createChannel();
            for (int round = 0; round < 200; round++) {
                String q1 = queueWith(0);
                String q2 = queueWith(0);
                Channel ch = consumerSide.createChannel();
                ch.basicQos(1, true);
                Recorder r = new Recorder(ch);
                ch.basicConsume(q1, false, r);
                ch.basicConsume(q2, false, r);
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                Thread a = new Thread(() -> {
                    try {
                        start.await();
                        chA.basicPublish("", q1, null, utf8("a"));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                a.start();
                start.await();
                chB.basicPublish("", q2, null, utf8("b"));
                a.join();
                // Both publishes processed (synchronous methods after them on their channels), both dispatches done.
                chA.queueDeclarePassive(q1);
                chB.queueDeclarePassive(q2);
                ch.queueDeclarePassive(q1);
                if (readyCount(q1) + readyCount(q2) < 1) exceeded++;
                ch.close();
                chA.queueDelete(q1);
                chA.queueDelete(q2);
            }
        }
        assertThat(exceeded).as("rounds in which both messages went out under a global prefetch of 1").isZero();
    }

    @Test
    void purgeDropsOnlyReadyMessagesAndUnackedOnesComeBack() throws Exception {
        String q = queueWith(5);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicQos(2);
            Recorder r = new Recorder(ch);
            ch.basicConsume(q, false, r);
            r.next(2);
            assertThat(ch.queuePurge(q).getMessageCount()).isEqualTo(3);
        }
        List<Delivery> back = drain(q);
        assertThat(bodies(back)).containsExactly("m-0", "m-1");
        assertThat(redelivered(back)).containsOnly(true);
    }

    // ---- transactions ----

    @Test
    void anAckRolledBackLeavesTheDeliveryUnackedSoItIsRequeuedOnClose() throws Exception {
        String q = queueWith(1);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.txSelect();
            GetResponse r = ch.basicGet(q, false);
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            ch.txRollback();
            ch.close();
        }
        List<Delivery> back = drain(q);
        assertThat(bodies(back)).containsExactly("m-0");
        assertThat(redelivered(back)).containsExactly(true);
    }

    @Test
    void anAckCommittedIsFinal() throws Exception {
        String q = queueWith(2);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.txSelect();
            GetResponse r = ch.basicGet(q, false);
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            ch.txCommit();
            ch.close();
        }
        assertThat(bodies(drain(q))).containsExactly("m-1");
    }

    @Test
    void anAckOfAnUnknownTagClosesTheChannelEvenAfterItWasUsed() throws Exception {
        String q = queueWith(1);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            GetResponse r = ch.basicGet(q, false);
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false); // twice: unknown now
            try {
                ch.basicQos(0);
            } catch (IOException | AlreadyClosedException e) {
                // expected
            }
            await("the channel is closed", () -> !ch.isOpen());
            assertThat(((AMQP.Channel.Close) ch.getCloseReason().getReason()).getReplyCode()).isEqualTo(406);
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(drain(q)).isEmpty();
    }
}
