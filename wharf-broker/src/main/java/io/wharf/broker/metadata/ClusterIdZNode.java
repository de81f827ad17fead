package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** {@code /cluster/id}: {@code {"version":"1","id":"<22-character base64url uuid>"}}, as Kafka writes it. */
final class ClusterIdZNode {
    static final String PATH = "/cluster/id";

    private ClusterIdZNode() {
    }

    static byte[] encode(String id) {
        return ("{\"version\":\"1\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static String decode(byte[] data) {
        JsonNode node = ZkJson.parseObject(PATH, data);
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual()) throw new MetadataException(PATH + " has no \"id\": " + ZkJson.text(data));
        return id.asText();
    }
}
