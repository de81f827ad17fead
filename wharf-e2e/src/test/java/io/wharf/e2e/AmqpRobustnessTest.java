package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AMQP front-end under input a careful client never sends, and under legal input sent faster than a
 * careful client sends it: heartbeats of a silent client, methods pipelined without waiting for their
 * answers, and protocol violations — each answered with the reply code the specification (and RabbitMQ)
 * gives it, while another connection carries on unaffected.
 */
class AmqpRobustnessTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    /** A well-behaved connection that must keep working whatever the others do. */
    static Connection healthy;

    @BeforeAll
    static void start() throws Exception {
        healthy = broker.amqpFactory().newConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        if (healthy != null) healthy.abort();
    }

    /** After every test: the healthy connection still publishes and gets. */
    @AfterEach
    void healthyConnectionStillWorks() throws Exception {
        assertThat(healthy.isOpen()).as("the healthy connection is open").isTrue();
        Channel ch = healthy.createChannel();
        String q = ch.queueDeclare().getQueue();
        String token = UUID.randomUUID().toString();
        ch.basicPublish("", q, null, utf8(token));
        GetResponse r = ch.basicGet(q, true);
        assertThat(r).as("round trip on the healthy connection").isNotNull();
        assertThat(text(r.getBody())).isEqualTo(token);
        ch.close();
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    private static RawAmqpConnection raw() throws IOException {
        return RawAmqpConnection.open(broker.amqpPort(), 0);
    }

    private static String freshQueue(int messages) throws Exception {
        Channel ch = healthy.createChannel();
        String q = "q-" + UUID.randomUUID();
        ch.queueDeclare(q, false, false, false, null);
        for (int i = 0; i < messages; i++) ch.basicPublish("", q, null, utf8("m-" + i));
        ch.close();
        return q;
    }

    private static int readyCount(String queue) throws Exception {
        Channel ch = healthy.createChannel();
        int n = ch.queueDeclarePassive(queue).getMessageCount();
        ch.close();
        return n;
    }

    // ---- heartbeats ----

    @Test
    void aClientThatFallsSilentAfterAskingForHeartbeatsIsDisconnectedAndWasSentHeartbeats() throws Exception {
        try (RawAmqpConnection c = RawAmqpConnection.open(broker.amqpPort(), 1)) {
            long start = System.nanoTime();
            assertThat(c.closedByBrokerWithin(10_000)).as("broker closed the silent connection").isTrue();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Two missed heartbeats of 1 s: not before one interval, well within a few seconds.
            assertThat(elapsedMs).isBetween(1_000L, 6_000L);
            assertThat(c.heartbeatsReceived()).as("heartbeat frames sent by the broker").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aClientThatAnswersHeartbeatsStaysConnectedWhileIdle() throws Exception {
        try (RawAmqpConnection c = RawAmqpConnection.open(broker.amqpPort(), 1)) {
            // Echo four heartbeats (about four seconds, twice the broker's patience), sending nothing else.
            while (c.heartbeatsReceived() < 4) {
                RawAmqpConnection.Frame f = c.readAnyFrame();
                assertThat(f.type()).as("only heartbeats while idle").isEqualTo(RawAmqpConnection.HEARTBEAT);
                c.sendFrame(RawAmqpConnection.HEARTBEAT, 0, new byte[0]);
            }
            c.openChannel(1);
        }
    }

    // ---- pipelined legal sequences ----

    @Test
    void consumeThenCancelAtOnceManyTimesLosesNothingAndBreaksNothing() throws Exception {
        String q = freshQueue(1000);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicQos(10);
            List<String> got = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 200; i++) {
                String tag = ch.basicConsume(q, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws IOException {
                        got.add(text(body));
                        ch.basicAck(e.getDeliveryTag(), false);
                    }
                });
                ch.basicCancel(tag);
            }
            // A synchronous method after the last acks: they are processed.
            ch.basicQos(10);
            assertThat(c.isOpen()).isTrue();
            assertThat(ch.isOpen()).isTrue();
            assertThat(new HashSet<>(got)).as("no message delivered twice").hasSize(got.size());
            assertThat(got.size() + ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(1000);
        }
    }

    /** Consume and Cancel in one TCP write, twenty times; returns what was delivered before each Cancel-Ok. */
    private static List<String> pipelineConsumeCancel(String q, boolean noAck) throws Exception {
        List<String> delivered = new ArrayList<>();
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            for (int i = 0; i < 20; i++) {
                c.write(1, new AMQImpl.Basic.Consume(0, q, "c", false, noAck, false, false, null));
                c.write(1, new AMQImpl.Basic.Cancel("c", false));
                c.flush();
                c.expect(AMQImpl.Basic.ConsumeOk.class);
                while (true) {
                    RawAmqpConnection.Frame f = c.readFrame();
                    if (f.type() == RawAmqpConnection.METHOD && f.method() instanceof AMQImpl.Basic.CancelOk) break;
                    if (f.type() == RawAmqpConnection.BODY) delivered.add(text(f.payload()));
                }
            }
            // Nothing may arrive for the cancelled consumer after its Cancel-Ok: Qos-Ok must come next.
            c.send(1, new AMQImpl.Basic.Qos(0, 10, false));
            c.expect(AMQImpl.Basic.QosOk.class);
            c.send(1, new AMQImpl.Channel.Close(200, "bye", 0, 0));
            c.expect(AMQImpl.Channel.CloseOk.class);
        }
        return delivered;
    }

    @Test
    void pipelinedConsumeAndCancelOfANoAckConsumerLosesNoMessage() throws Exception {
        String q = freshQueue(100);
        List<String> delivered = pipelineConsumeCancel(q, true);
        assertThat(delivered.size() + readyCount(q)).as("delivered + still queued").isEqualTo(100);
    }

    @Test
    void pipelinedConsumeAndCancelLeavesUndeliveredMessagesUnmarked() throws Exception {
        String q = freshQueue(100);
        List<String> delivered = pipelineConsumeCancel(q, false);
        // Those delivered were requeued when the raw connection closed; the rest never left the broker.
        Channel ch = healthy.createChannel();
        GetResponse r;
        int neverDelivered = 0;
        while ((r = ch.basicGet(q, true)) != null) {
            boolean wasDelivered = delivered.contains(text(r.getBody()));
            if (!wasDelivered) neverDelivered++;
            assertThat(r.getEnvelope().isRedeliver()).as("redelivered flag of %s (delivered before: %s)",
                text(r.getBody()), wasDelivered).isEqualTo(wasDelivered);
        }
        ch.close();
        assertThat(neverDelivered + new HashSet<>(delivered).size()).isEqualTo(100);
    }

    @Test
    void tenThousandPublishesRightAfterChannelOpenAreAllCountedByAPassiveDeclare() throws Exception {
        String q = freshQueue(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            for (int i = 0; i < 10_000; i++) ch.basicPublish("", q, null, utf8("m-" + i));
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(10_000);
        }
        Channel ch = healthy.createChannel();
        assertThat(text(ch.basicGet(q, true).getBody())).isEqualTo("m-0");
        ch.queuePurge(q);
        ch.close();
    }

    @Test
    void aBurstOfEightyThousandEmptyMessagesSentAtOnceIsStored() throws Exception {
        // Empty bodies: no body frame, about 45 bytes a message on the wire and more in the log.
        String q = freshQueue(0);
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            for (int i = 0; i < 80_000; i++) c.writePublish(1, q, new byte[0]);
            c.write(1, new AMQImpl.Queue.Declare(0, q, true, false, false, false, false, null));
            c.flush();
            RawAmqpConnection.Frame f = c.readFrame();
            assertThat(f.method()).as("answer to the passive declare").isInstanceOf(AMQImpl.Queue.DeclareOk.class);
            assertThat(((AMQImpl.Queue.DeclareOk) f.method()).getMessageCount()).isEqualTo(80_000);
        }
        Channel ch = healthy.createChannel();
        ch.queuePurge(q);
        ch.close();
    }

    @Test
    void aTransactionOfThirtyThousandSmallMessagesCommits() throws Exception {
        String q = freshQueue(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.txSelect();
            for (int i = 0; i < 30_000; i++) ch.basicPublish("", q, null, new byte[0]);
            ch.txCommit();
            assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(30_000);
        }
        Channel ch = healthy.createChannel();
        ch.queuePurge(q);
        ch.close();
    }

    @Test
    void aConnectionClosedOnAFailedAppendStillDeletesItsExclusiveQueueAndRequeuesItsDeliveries() throws Exception {
        String work = freshQueue(1);
        String big = freshQueue(0);
        // Short: a RESOURCE_LOCKED reply naming a long queue hits another bug (aChannelErrorNamingALongQueue...).
        String mine = "excl-" + UUID.randomUUID().toString().substring(0, 8);
        Connection c = broker.amqpFactory().newConnection();
        try {
            Channel other = c.createChannel();
            other.queueDeclare(mine, false, true, false, null);
            assertThat(other.basicGet(work, false)).isNotNull();
            // What the broker fails to append today (see aTransactionOfThirtyThousandSmallMessagesCommits).
            Channel tx = c.createChannel();
            tx.txSelect();
            for (int i = 0; i < 30_000; i++) tx.basicPublish("", big, null, new byte[0]);
            try {
                tx.txCommit();
            } catch (IOException | ShutdownSignalException e) {
                // the broker closed the connection
            }
        } finally {
            c.abort();
        }
        // However the connection ended, it is gone: its exclusive queue goes and its delivery comes back.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int code;
        while ((code = passiveDeclareCode(mine)) != 404 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(code).as("passive declare of the exclusive queue").isEqualTo(404);
        assertThat(readyCount(work)).as("the unacknowledged delivery requeued").isEqualTo(1);
        Channel ch = healthy.createChannel();
        ch.queuePurge(big);
        ch.close();
    }

    @Test
    void aChannelErrorNamingALongQueueClosesOnlyTheChannel() throws Exception {
        String longName = "q".repeat(240);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            try {
                ch.queueDeclarePassive(longName);
            } catch (IOException e) {
                // expected: 404
            }
            ShutdownSignalException why = ch.getCloseReason();
            assertThat(why).isNotNull();
            assertThat(why.getReason()).as("closed by Channel.Close, not by a dropped socket").isInstanceOf(AMQP.Channel.Close.class);
            assertThat(((AMQP.Channel.Close) why.getReason()).getReplyCode()).isEqualTo(404);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void aMultipleAckNeverCoversANackedPublish() throws Exception {
        Channel setup = healthy.createChannel();
        setup.queueDeclare("confirm-durable", true, false, false, null);
        setup.queueDeclare("confirm-refusing", false, false, false, Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
        setup.close();
        int rounds = 50;
        try (RawAmqpConnection c = RawAmqpConnection.open(broker.amqpPort(), 0)) {
            c.openChannel(1);
            c.send(1, new AMQImpl.Confirm.Select(false));
            c.expect(AMQImpl.Confirm.SelectOk.class);
            // Odd numbers: persistent on a durable queue, acked after an fsync; even: refused at once, nacked.
            for (int i = 0; i < rounds; i++) {
                c.writePublish(1, "confirm-durable", MessageProperties.PERSISTENT_BASIC, new byte[] {1});
                c.writePublish(1, "confirm-refusing", new byte[] {2});
                c.flush();
            }
            TreeSet<Long> unsettled = new TreeSet<>();
            for (long seq = 1; seq <= 2L * rounds; seq++) unsettled.add(seq);
            Set<Long> nacked = new HashSet<>();
            while (!unsettled.isEmpty()) {
                Method m = c.readFrame().method();
                if (m instanceof AMQImpl.Basic.Nack nack) {
                    assertThat(nack.getDeliveryTag() % 2).as("nacked %s", nack.getDeliveryTag()).isZero();
                    assertThat(unsettled.remove(nack.getDeliveryTag())).as("nack %s settles it once", nack.getDeliveryTag()).isTrue();
                    nacked.add(nack.getDeliveryTag());
                } else if (m instanceof AMQImpl.Basic.Ack ack) {
                    Set<Long> covered = ack.getMultiple()
                        ? new TreeSet<>(unsettled.headSet(ack.getDeliveryTag(), true)) : Set.of(ack.getDeliveryTag());
                    assertThat(covered).as("settled by %s", ack).isNotEmpty().allMatch(seq -> seq % 2 == 1)
                        .allMatch(unsettled::contains);
                    // Even a multiple ack names a publish it acknowledges, never one already nacked.
                    assertThat(nacked).as("nacked before %s", ack).doesNotContain(ack.getDeliveryTag());
                    unsettled.removeAll(covered);
                } else {
                    throw new AssertionError("unexpected " + m);
                }
            }
        }
        assertThat(healthy.createChannel().queueDeclarePassive("confirm-durable").getMessageCount()).isEqualTo(rounds);
    }

    @Test
    void basicRecoverWithoutRequeueClosesTheConnectionWithNotImplemented() throws Exception {
        Connection c = broker.amqpFactory().newConnection();
        Channel ch = c.createChannel();
        assertThatThrownBy(() -> ch.basicRecover(false)).isInstanceOf(IOException.class);
        // 540 is a connection exception (spec 1.2): the whole connection goes, as in RabbitMQ.
        assertThat(c.isOpen()).isFalse();
        AMQP.Connection.Close close = (AMQP.Connection.Close) c.getCloseReason().getReason();
        assertThat(close.getReplyCode()).isEqualTo(540);
        assertThat(close.getReplyText()).isEqualTo("NOT_IMPLEMENTED - requeue=false");
    }

    @Test
    void aPrefetchSizeClosesTheConnectionWithNotImplementedAsRabbitMqDoes() throws Exception {
        Connection c = broker.amqpFactory().newConnection();
        Channel ch = c.createChannel();
        assertThatThrownBy(() -> ch.basicQos(4096, 10, false)).isInstanceOf(IOException.class);
        assertThat(c.isOpen()).isFalse();
        AMQP.Connection.Close close = (AMQP.Connection.Close) c.getCloseReason().getReason();
        assertThat(close.getReplyCode()).isEqualTo(540);
        assertThat(close.getReplyText()).isEqualTo("NOT_IMPLEMENTED - prefetch_size!=0 (4096)");
    }

    private static int passiveDeclareCode(String queue) throws Exception {
        try (Connection c = broker.amqpFactory().newConnection()) {
            c.createChannel().queueDeclarePassive(queue);
            return 200;
        } catch (IOException e) {
            return ((AMQP.Channel.Close) ((ShutdownSignalException) e.getCause()).getReason()).getReplyCode();
        }
    }

    @Test
    void openPublishAndCloseInOneWriteOnAHundredChannelsStoresEveryMessage() throws Exception {
        String q = freshQueue(0);
        try (RawAmqpConnection c = raw()) {
            for (int ch = 1; ch <= 100; ch++) {
                c.write(ch, new AMQImpl.Channel.Open(""));
                c.writePublish(ch, q, utf8("m-" + ch));
                c.write(ch, new AMQImpl.Channel.Close(200, "done", 0, 0));
            }
            c.flush();
            Set<Integer> closed = new HashSet<>();
            while (closed.size() < 100) {
                RawAmqpConnection.Frame f = c.readFrame();
                assertThat(f.type()).isEqualTo(RawAmqpConnection.METHOD);
                var m = f.method();
                if (m instanceof AMQImpl.Channel.CloseOk) closed.add(f.channel());
                else assertThat(m).isInstanceOf(AMQImpl.Channel.OpenOk.class);
            }
        }
        assertThat(readyCount(q)).isEqualTo(100);
    }

    @Test
    void publishesFollowedAtOnceByChannelCloseAreAllStored() throws Exception {
        String q = freshQueue(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            for (int round = 0; round < 20; round++) {
                Channel ch = c.createChannel();
                for (int i = 0; i < 50; i++) ch.basicPublish("", q, null, utf8("m-" + round + "-" + i));
                ch.close();
            }
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(readyCount(q)).isEqualTo(1000);
    }

    // ---- protocol violations ----

    private static int connectionCloseCode(RawAmqpConnection c) throws IOException {
        AMQImpl.Connection.Close close = c.awaitConnectionClose();
        assertThat(c.closedByBrokerWithin(5_000)).as("socket closed after Close-Ok").isTrue();
        return close.getReplyCode();
    }

    @Test
    void aMethodOnAChannelNeverOpenedClosesTheConnectionWithChannelError() throws Exception {
        try (RawAmqpConnection c = raw()) {
            c.send(5, new AMQImpl.Queue.Declare(0, "x", true, false, false, false, false, null));
            assertThat(connectionCloseCode(c)).isEqualTo(504);
        }
    }

    @Test
    void aContentBodyWithNoHeaderBeforeItClosesTheConnectionWithUnexpectedFrame() throws Exception {
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.sendBody(1, utf8("orphan"));
            assertThat(connectionCloseCode(c)).isEqualTo(505);
        }
    }

    @Test
    void aContentHeaderWithNoPublishBeforeItClosesTheConnectionWithUnexpectedFrame() throws Exception {
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.sendContentHeader(1, 6);
            assertThat(connectionCloseCode(c)).isEqualTo(505);
        }
    }

    @Test
    void aMethodWhereContentMustComeClosesTheConnectionWithUnexpectedFrame() throws Exception {
        String q = freshQueue(0);
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.send(1, new AMQImpl.Basic.Publish(0, "", q, false, false));
            c.send(1, new AMQImpl.Basic.Qos(0, 1, false));
            assertThat(connectionCloseCode(c)).isEqualTo(505);
        }
        assertThat(readyCount(q)).isZero();
    }

    @Test
    void aSecondChannelOpenOnAnOpenChannelClosesTheConnectionWithChannelError() throws Exception {
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.send(1, new AMQImpl.Channel.Open(""));
            assertThat(connectionCloseCode(c)).isEqualTo(504);
        }
    }

    @Test
    void anUnknownClassOrMethodIdClosesTheConnectionWithNotImplemented() throws Exception {
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.sendMethodIds(1, 60, 999);
            assertThat(connectionCloseCode(c)).isEqualTo(540);
        }
        try (RawAmqpConnection c = raw()) {
            c.sendMethodIds(0, 77, 10);
            assertThat(connectionCloseCode(c)).isEqualTo(540);
        }
    }

    @Test
    void aMessageLargerThanTheMaximumClosesOnlyItsChannelWithPreconditionFailed() throws Exception {
        String q = freshQueue(0);
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.send(1, new AMQImpl.Basic.Publish(0, "", q, false, false));
            c.sendContentHeader(1, 16L * 1024 * 1024 + 1);
            // The body never comes: the header alone must be refused.
            AMQImpl.Channel.Close close = c.expect(AMQImpl.Channel.Close.class);
            assertThat(close.getReplyCode()).isEqualTo(406);
            assertThat(close.getReplyText()).contains("16777217").contains("16777216");
            c.send(1, new AMQImpl.Channel.CloseOk());
            // The connection goes on: the channel number may be opened again.
            c.openChannel(1);
            c.send(1, new AMQImpl.Queue.Declare(0, q, true, false, false, false, false, null));
            assertThat(c.expect(AMQImpl.Queue.DeclareOk.class).getMessageCount()).isZero();
        }
    }

    @Test
    void theJavaClientPublishingAMessageOverTheMaximumGetsItsChannelClosedWithPreconditionFailed() throws Exception {
        String q = freshQueue(0);
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.basicPublish("", q, null, new byte[16 * 1024 * 1024 + 1]);
            try {
                ch.queueDeclarePassive(q);
            } catch (IOException | AlreadyClosedException e) {
                // expected: the channel was closed, before or while the declare went out
            }
            ShutdownSignalException why = ch.getCloseReason();
            assertThat(why).isNotNull();
            assertThat(why.isHardError()).isFalse();
            assertThat(((AMQP.Channel.Close) why.getReason()).getReplyCode()).isEqualTo(406);
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(readyCount(q)).isZero();
    }

    @Test
    void reusingAConsumerTagOnAChannelClosesTheConnectionWithNotAllowed() throws Exception {
        // RabbitMQ's Java client refuses to send this; a bare socket does.
        String q = freshQueue(0);
        try (RawAmqpConnection c = raw()) {
            c.openChannel(1);
            c.send(1, new AMQImpl.Basic.Consume(0, q, "mine", false, true, false, false, null));
            c.expect(AMQImpl.Basic.ConsumeOk.class);
            c.send(1, new AMQImpl.Basic.Consume(0, q, "mine", false, true, false, false, null));
            assertThat(connectionCloseCode(c)).isEqualTo(530);
        }
        // The first consumer went away with its connection.
        assertThat(consumerCount(q)).isZero();
    }

    private static int consumerCount(String queue) throws Exception {
        Channel ch = healthy.createChannel();
        int n = ch.queueDeclarePassive(queue).getConsumerCount();
        ch.close();
        return n;
    }
}
