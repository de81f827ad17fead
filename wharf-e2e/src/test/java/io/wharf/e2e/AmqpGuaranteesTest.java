package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static io.wharf.e2e.AmqpClientSupport.utf8;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What AMQP users rely on, with RabbitMQ's Java client: confirms, durability across a restart, requeue with
 * redelivered on a closed channel, exact properties, and the reply codes of refused operations and bad input.
 */
class AmqpGuaranteesTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    @Test
    void confirmedPersistentMessagesSurviveARestartAndAcknowledgedOnesAreNotRedelivered() throws Exception {
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("orders", true, false, false, null);
            ch.exchangeDeclare("shop", "direct", true);
            ch.queueBind("orders", "shop", "new");
            ch.confirmSelect();
            for (int i = 0; i < 100; i++) ch.basicPublish("shop", "new", MessageProperties.PERSISTENT_BASIC, utf8("order " + i));
            assertThat(ch.waitForConfirms(10_000)).isTrue();
            // Acknowledge the first 40; take 10 more without acknowledging them.
            for (int i = 0; i < 50; i++) {
                GetResponse r = ch.basicGet("orders", false);
                assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("order " + i);
                if (i < 40) ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
        }
        broker.restart();
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive("orders");
            assertThat(ok.getMessageCount()).isEqualTo(60);
            // The binding survived too.
            ch.basicPublish("shop", "new", MessageProperties.PERSISTENT_BASIC, utf8("order 100"));
            for (int i = 40; i <= 100; i++) {
                GetResponse r = ch.basicGet("orders", true);
                assertThat(r).as("message %d", i).isNotNull();
                assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("order " + i);
            }
            assertThat(ch.basicGet("orders", true)).isNull();
        }
    }

    @Test
    void unacknowledgedDeliveriesAreRequeuedAsRedeliveredWhenTheChannelCloses() throws Exception {
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel setup = c.createChannel();
            setup.queueDeclare("jobs", false, false, false, null);
            for (int i = 0; i < 3; i++) setup.basicPublish("", "jobs", null, utf8("job " + i));
            Channel worker = c.createChannel();
            GetResponse first = worker.basicGet("jobs", false);
            assertThat(first.getEnvelope().isRedeliver()).isFalse();
            worker.basicGet("jobs", false);
            worker.close();
            GetResponse again = setup.basicGet("jobs", true);
            assertThat(new String(again.getBody(), StandardCharsets.UTF_8)).isEqualTo("job 0");
            assertThat(again.getEnvelope().isRedeliver()).isTrue();
            assertThat(new String(setup.basicGet("jobs", true).getBody(), StandardCharsets.UTF_8)).isEqualTo("job 1");
            GetResponse fresh = setup.basicGet("jobs", true);
            assertThat(new String(fresh.getBody(), StandardCharsets.UTF_8)).isEqualTo("job 2");
            assertThat(fresh.getEnvelope().isRedeliver()).isFalse();
        }
    }

    @Test
    void everyBasicPropertyAndHeaderTypeRoundTripsExactly() throws Exception {
        try (Connection c = broker.amqpFactory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("props", false, false, false, null);
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("string", "text");
            headers.put("int", 42);
            headers.put("long", 42L);
            headers.put("short", (short) 7);
            headers.put("byte", (byte) 1);
            headers.put("bool", true);
            headers.put("double", 1.5d);
            headers.put("float", 2.5f);
            headers.put("decimal", new BigDecimal("3.14"));
            headers.put("timestamp", new Date(1_700_000_000_000L));
            headers.put("bytes", new byte[] {1, 2, 3});
            headers.put("list", List.of(1, "two"));
            headers.put("table", Map.of("nested", 1));
            headers.put("void", null);
            AMQP.BasicProperties sent = new AMQP.BasicProperties.Builder().contentType("application/json")
                .contentEncoding("gzip").headers(headers).deliveryMode(2).priority(5).correlationId("corr")
                .replyTo("replies").expiration("60000").messageId("m-1").timestamp(new Date(1_700_000_000_000L))
                .type("order").userId("guest").appId("shop").clusterId("c1").build();
            ch.basicPublish("", "props", sent, utf8("{}"));
            AMQP.BasicProperties got = ch.basicGet("props", true).getProps();
            assertThat(got.getContentType()).isEqualTo("application/json");
            assertThat(got.getContentEncoding()).isEqualTo("gzip");
            assertThat(got.getDeliveryMode()).isEqualTo(2);
            assertThat(got.getPriority()).isEqualTo(5);
            assertThat(got.getCorrelationId()).isEqualTo("corr");
            assertThat(got.getReplyTo()).isEqualTo("replies");
            assertThat(got.getExpiration()).isEqualTo("60000");
            assertThat(got.getMessageId()).isEqualTo("m-1");
            assertThat(got.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
            assertThat(got.getType()).isEqualTo("order");
            assertThat(got.getUserId()).isEqualTo("guest");
            assertThat(got.getAppId()).isEqualTo("shop");
            assertThat(got.getClusterId()).isEqualTo("c1");
            Map<String, Object> h = got.getHeaders();
            assertThat(h.get("string")).isInstanceOf(LongString.class).hasToString("text");
            assertThat(h.get("int")).isEqualTo(42);
            assertThat(h.get("long")).isEqualTo(42L);
            assertThat(h.get("short")).isEqualTo((short) 7);
            assertThat(h.get("byte")).isEqualTo((byte) 1);
            assertThat(h.get("bool")).isEqualTo(true);
            assertThat(h.get("double")).isEqualTo(1.5d);
            assertThat(h.get("float")).isEqualTo(2.5f);
            assertThat(h.get("decimal")).isEqualTo(new BigDecimal("3.14"));
            assertThat(h.get("timestamp")).isEqualTo(new Date(1_700_000_000_000L));
            assertThat((byte[]) h.get("bytes")).containsExactly(1, 2, 3);
            assertThat(h).containsKey("void");
            assertThat(h.get("void")).isNull();
        }
    }

    @Test
    void refusedOperationsCloseTheChannelWithTheirReplyCode() throws Exception {
        try (Connection c = broker.amqpFactory().newConnection()) {
            assertThat(code(c, ch -> ch.queueDeclarePassive("missing"))).isEqualTo(404);
            assertThat(code(c, ch -> ch.basicPublish("no-such-exchange", "k", null, utf8("x")))).isEqualTo(404);
            Channel ch = c.createChannel();
            ch.queueDeclare("q1", false, false, false, null);
            assertThat(code(c, x -> x.queueDeclare("q1", true, false, false, null))).isEqualTo(406);
            assertThat(code(c, x -> x.queueDeclare("amq.mine", false, false, false, null))).isEqualTo(403);
            assertThat(code(c, x -> x.basicAck(99, false))).isEqualTo(406);
            ch.queueDeclare("mine", false, true, false, null);
            try (Connection other = broker.amqpFactory().newConnection()) {
                assertThat(code(other, x -> x.queueDeclarePassive("mine"))).isEqualTo(405);
            }
            // The connection is unaffected by its channels' errors.
            assertThat(c.isOpen()).isTrue();
            assertThat(c.createChannel().queueDeclarePassive("q1").getQueue()).isEqualTo("q1");
        }
    }

    @Test
    void aWrongProtocolHeaderIsAnsweredWithTheRightOneThenClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.amqpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = s.getInputStream().readNBytes(9);
            assertThat(answer).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
        }
    }

    @Test
    void badFramesCloseOnlyTheirConnectionWithFrameError() throws Exception {
        try (Connection healthy = broker.amqpFactory().newConnection()) {
            Channel ch = healthy.createChannel();
            ch.queueDeclare("steady", false, false, false, null);
            // A frame bigger than frame-max, then one with a wrong end octet, each on a raw connection.
            assertThat(rawConnectionCloseCode(broker.get(), frame(1, 0, new byte[200_000], 0xCE))).isEqualTo(501);
            assertThat(rawConnectionCloseCode(broker.get(), frame(1, 0, new byte[] {0, 10, 0, 11}, 0x00))).isEqualTo(501);
            ch.basicPublish("", "steady", null, utf8("still here"));
            assertThat(new String(ch.basicGet("steady", true).getBody(), StandardCharsets.UTF_8)).isEqualTo("still here");
        }
    }

    /** Opens a socket, sends the protocol header, reads Connection.Start, sends {@code bad}; returns the Close's code. */
    private static int rawConnectionCloseCode(WharfTestBroker broker, byte[] bad) throws IOException {
        try (Socket s = new Socket("127.0.0.1", broker.amqpPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
            skipFrame(in); // Connection.Start
            out.write(bad);
            out.flush();
            byte[] header = in.readNBytes(7);
            assertThat(header[0]).isEqualTo((byte) 1);
            int size = ((header[3] & 0xFF) << 24) | ((header[4] & 0xFF) << 16) | ((header[5] & 0xFF) << 8) | (header[6] & 0xFF);
            byte[] payload = in.readNBytes(size + 1);
            assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).as("class connection").isEqualTo(10);
            assertThat(((payload[2] & 0xFF) << 8) | (payload[3] & 0xFF)).as("method close").isEqualTo(50);
            return ((payload[4] & 0xFF) << 8) | (payload[5] & 0xFF);
        }
    }

    private static void skipFrame(InputStream in) throws IOException {
        byte[] header = in.readNBytes(7);
        int size = ((header[3] & 0xFF) << 24) | ((header[4] & 0xFF) << 16) | ((header[5] & 0xFF) << 8) | (header[6] & 0xFF);
        in.readNBytes(size + 1);
    }

    private static byte[] frame(int type, int channel, byte[] payload, int end) {
        byte[] f = new byte[payload.length + 8];
        f[0] = (byte) type;
        f[1] = (byte) (channel >> 8);
        f[2] = (byte) channel;
        f[3] = (byte) (payload.length >>> 24);
        f[4] = (byte) (payload.length >>> 16);
        f[5] = (byte) (payload.length >>> 8);
        f[6] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 7, payload.length);
        f[f.length - 1] = (byte) end;
        return f;
    }


    @Test
    void aFailedLoginIsRefusedWithAccessRefused() {
        var f = broker.amqpFactory();
        f.setPassword("wrong");
        assertThatThrownBy(f::newConnection).isInstanceOf(com.rabbitmq.client.AuthenticationFailureException.class)
            .hasMessageContaining("ACCESS_REFUSED");
    }

    private static int code(Connection c, AmqpClientSupport.ChannelAction action) throws Exception {
        return AmqpClientSupport.channelClose(c, action).getReplyCode();
    }
}
