package io.wharf.broker.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AMQP 0-9-1 basic-properties layout, written and read back. */
class StoredPropertiesTest {
    @Test
    void everyWrittenFieldAndHeaderTypeReadsBack() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("s", "text");
        headers.put("b", (byte) 2);
        headers.put("i", 7);
        headers.put("l", 1L << 40);
        headers.put("t", true);
        headers.put("x", new byte[] {1, 2});
        StoredProperties p = new StoredProperties("text/plain", headers, 2, "corr", "reply.to", "60000");

        StoredProperties back = StoredProperties.decode(p.encode());

        assertThat(back.contentType()).isEqualTo("text/plain");
        assertThat(back.deliveryMode()).isEqualTo(2);
        assertThat(back.correlationId()).isEqualTo("corr");
        assertThat(back.replyTo()).isEqualTo("reply.to");
        assertThat(back.expiration()).isEqualTo("60000");
        assertThat(back.headers()).containsEntry("s", "text").containsEntry("b", (byte) 2).containsEntry("i", 7)
            .containsEntry("l", 1L << 40).containsEntry("t", true);
        assertThat((byte[]) back.headers().get("x")).containsExactly(1, 2);
    }

    @Test
    void theFlagsAreAmqpsAndAbsentFieldsTakeNoBytes() {
        byte[] onlyDeliveryMode = new StoredProperties(null, Map.of(), 1, null, null, null).encode();
        assertThat(onlyDeliveryMode).containsExactly(0x10, 0x00, 1); // bit 12: delivery-mode
        assertThat(StoredProperties.decode(new byte[0])).isEqualTo(StoredProperties.NONE);
    }

    @Test
    void truncatedPropertiesAreRefused() {
        byte[] whole = new StoredProperties("text/plain", Map.of(), 0, null, null, null).encode();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> StoredProperties.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
}
