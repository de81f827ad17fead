package io.wharf.broker.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.broker.message.Message;
import io.wharf.broker.message.MessageAttributes;
import io.wharf.log.record.Header;
import io.wharf.log.record.Record;
import io.wharf.log.record.RecordBatch;
import io.wharf.log.record.RecordBatchBuilder;
import io.wharf.log.record.RecordBatchIterator;
import io.wharf.log.record.RecordDecoder;
import io.wharf.log.record.Compression;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaRecordTest {
    private static final long ARRIVAL = 1_700_000_000_123L;

    private static Message message(String routingKey, String body) {
        return new Message("amq.topic", routingKey, new byte[0], body.getBytes(StandardCharsets.UTF_8), ARRIVAL, true,
            5000, 3, Map::of);
    }

    private static String text(byte[] b) { return b == null ? null : new String(b, StandardCharsets.UTF_8); }

    private static Map<String, String> headers(KafkaRecord r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) out.put(h.key(), text(h.value()));
        return out;
    }

    @Test
    void keyIsTheRoutingKeyValueTheBodyTimestampTheArrivalWhenNoPropertyIsSet() {
        KafkaRecord r = KafkaRecord.of(message("sensors.kitchen", "21.5"), MessageAttributes.NONE);
        assertThat(text(r.key())).isEqualTo("sensors.kitchen");
        assertThat(text(r.value())).isEqualTo("21.5");
        assertThat(r.timestamp()).isEqualTo(ARRIVAL);
        // Delivery mode, priority and expiration have no Kafka meaning; Wharf's storage headers are not added.
        assertThat(r.headers()).isEmpty();
    }

    @Test
    void anEmptyRoutingKeyIsANullKeyAndAnEmptyBodyAnEmptyValue() {
        KafkaRecord r = KafkaRecord.of(message("", ""), MessageAttributes.NONE);
        assertThat(r.key()).isNull();
        assertThat(r.value()).isNotNull().isEmpty();
    }

    @Test
    void theTimestampPropertyWinsOverTheArrivalTime() {
        MessageAttributes a = new MessageAttributes(null, null, Map.of(), null, null, null, 1_600_000_000_000L, null,
            null, null);
        assertThat(KafkaRecord.of(message("k", "v"), a).timestamp()).isEqualTo(1_600_000_000_000L);
    }

    @Test
    void headersAreTheTableEntriesOfTextualTypesThenTheNamedProperties() {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("site", "berlin");
        table.put("floor", 3);
        table.put("reading", 21L);
        table.put("ratio", 0.5d);
        table.put("price", new BigDecimal("1000"));
        table.put("calibrated", true);
        table.put("nested", Map.of("a", 1));
        table.put("list", List.of(1, 2));
        table.put("raw", new byte[] {1, 2});
        table.put("when", new java.util.Date(0));
        table.put("nothing", null);
        MessageAttributes a = new MessageAttributes("application/json", "gzip", table, "corr-1", "replies", "msg-1",
            null, "reading", "guest", "thermo");
        Map<String, String> h = headers(KafkaRecord.of(message("k", "v"), a));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("site", "berlin");
        expected.put("floor", "3");
        expected.put("reading", "21");
        expected.put("ratio", "0.5");
        expected.put("price", "1000");
        expected.put("calibrated", "true");
        expected.put("amqp.content-type", "application/json");
        expected.put("amqp.content-encoding", "gzip");
        expected.put("amqp.correlation-id", "corr-1");
        expected.put("amqp.message-id", "msg-1");
        expected.put("amqp.reply-to", "replies");
        expected.put("amqp.type", "reading");
        expected.put("amqp.app-id", "thermo");
        expected.put("amqp.user-id", "guest");
        assertThat(h).containsExactlyEntriesOf(expected);
    }

    @Test
    void onlyThePropertiesThatAreSetBecomeHeaders() {
        MessageAttributes a = new MessageAttributes(null, null, Map.of(), "c", null, null, null, null, null, null);
        assertThat(headers(KafkaRecord.of(message("k", "v"), a))).containsExactly(Map.entry("amqp.correlation-id", "c"));
    }

    @Test
    void theSizeBoundIsAtLeastWhatABatchOfTheRecordsTakes() {
        Map<String, Object> table = new HashMap<>();
        table.put("ü-key", "välue");
        MessageAttributes a = new MessageAttributes("text/plain", null, table, null, null, null, null, null, null, null);
        List<KafkaRecord> records = new ArrayList<>();
        records.add(KafkaRecord.of(message("k.é", "x".repeat(300)), a));
        records.add(KafkaRecord.of(message("", ""), MessageAttributes.NONE));
        RecordBatchBuilder builder = RecordBatchBuilder.newBatch(Compression.NONE);
        long bound = RecordBatch.HEADER_SIZE;
        for (KafkaRecord r : records) {
            builder.append(r.timestamp(), r.key(), r.value(), r.headers().toArray(new Header[0]));
            bound += r.sizeUpperBound();
        }
        ByteBuffer batch = builder.build();
        assertThat((long) batch.remaining()).isLessThanOrEqualTo(bound);
        // And the batch reads back as a Kafka consumer would see it.
        List<Record> read = new ArrayList<>();
        for (RecordBatch b : RecordBatchIterator.batches(batch)) read.addAll(RecordDecoder.decode(b));
        assertThat(read).hasSize(2);
        assertThat(StandardCharsets.UTF_8.decode(read.get(0).key()).toString()).isEqualTo("k.é");
        assertThat(read.get(1).key()).isNull();
    }
}
