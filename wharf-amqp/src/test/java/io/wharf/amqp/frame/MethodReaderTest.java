package io.wharf.amqp.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The direct decoding of Basic.Publish and Basic.Ack agrees with the reference client's, field for field. */
class MethodReaderTest {
    /** The method's frame payload as the reference client writes it. */
    private static ByteBuf payload(Method m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.toFrame(1).writeTo(new DataOutputStream(bytes));
        byte[] frame = bytes.toByteArray();
        // type (1), channel (2), size (4), payload, frame end (1)
        return Unpooled.wrappedBuffer(frame, 7, frame.length - 8);
    }

    @Test
    void publishesAreDecodedAsTheReferenceClientDoes() throws IOException {
        for (boolean mandatory : new boolean[] {false, true}) {
            for (boolean immediate : new boolean[] {false, true}) {
                AMQImpl.Basic.Publish sent = new AMQImpl.Basic.Publish(0, "amq.tøpic", "a.b.ç", mandatory, immediate);
                Method read = MethodReader.read(payload(sent));
                assertThat(read).isInstanceOf(AMQImpl.Basic.Publish.class);
                AMQImpl.Basic.Publish p = (AMQImpl.Basic.Publish) read;
                assertThat(p.getExchange()).isEqualTo("amq.tøpic");
                assertThat(p.getRoutingKey()).isEqualTo("a.b.ç");
                assertThat(p.getMandatory()).isEqualTo(mandatory);
                assertThat(p.getImmediate()).isEqualTo(immediate);
            }
        }
        AMQImpl.Basic.Publish empty = (AMQImpl.Basic.Publish) MethodReader.read(payload(new AMQImpl.Basic.Publish(0, "", "", false, false)));
        assertThat(empty.getExchange()).isEmpty();
        assertThat(empty.getRoutingKey()).isEmpty();
    }

    @Test
    void acksAreDecodedAsTheReferenceClientDoes() throws IOException {
        AMQImpl.Basic.Ack ack = (AMQImpl.Basic.Ack) MethodReader.read(payload(new AMQImpl.Basic.Ack(Long.MAX_VALUE - 3, true)));
        assertThat(ack.getDeliveryTag()).isEqualTo(Long.MAX_VALUE - 3);
        assertThat(ack.getMultiple()).isTrue();
        assertThat(((AMQImpl.Basic.Ack) MethodReader.read(payload(new AMQImpl.Basic.Ack(7, false)))).getMultiple()).isFalse();
    }

    @Test
    void aTruncatedPublishOrAckIsAnError() throws IOException {
        ByteBuf whole = payload(new AMQImpl.Basic.Publish(0, "ex", "key", false, false));
        for (int cut = 4; cut < whole.readableBytes(); cut++) {
            ByteBuf part = whole.slice(0, cut);
            assertThatThrownBy(() -> MethodReader.read(part)).as("cut at %d", cut).isInstanceOf(EOFException.class);
        }
        ByteBuf ack = payload(new AMQImpl.Basic.Ack(1, false));
        assertThatThrownBy(() -> MethodReader.read(ack.slice(0, 10))).isInstanceOf(EOFException.class);
    }

    @Test
    void otherMethodsGoThroughTheReferenceClient() throws IOException {
        Method read = MethodReader.read(payload(new AMQImpl.Basic.Qos(0, 10, true)));
        assertThat(read).isInstanceOf(AMQImpl.Basic.Qos.class);
        assertThat(((AMQImpl.Basic.Qos) read).getPrefetchCount()).isEqualTo(10);
    }
}
