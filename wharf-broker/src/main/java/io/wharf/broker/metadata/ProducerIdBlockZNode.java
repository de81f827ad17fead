package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * {@code /latest_producer_id_block}: the last block of producer ids handed to a broker, as Kafka wrote it
 * in ZooKeeper mode: {@code {"version":1,"broker":0,"block_start":"1000","block_end":"1999"}}.
 */
final class ProducerIdBlockZNode {
    static final String PATH = "/latest_producer_id_block";

    private ProducerIdBlockZNode() {
    }

    static byte[] encode(int brokerId, long start, long end) {
        return ("{\"version\":1,\"broker\":" + brokerId + ",\"block_start\":\"" + start + "\",\"block_end\":\"" + end
            + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The end of the block recorded, or -1 for an empty node. */
    static long blockEnd(byte[] data) {
        if (data == null || data.length == 0) return -1;
        JsonNode node = ZkJson.parseObject(PATH, data);
        JsonNode end = node.get("block_end");
        if (end == null) throw new MetadataException(PATH + " has no block_end: " + ZkJson.text(data));
        return Long.parseLong(end.asText());
    }
}
