package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * Codecs of the controller znodes. {@code /controller} (EPHEMERAL, owned by the session of the elected
 * broker) holds {@code {"version":2,"brokerid":1,"timestamp":"1700000000000"}}; Kafka 3.4+ may add
 * {@code "kraftControllerEpoch"}, which is ignored on read. {@code /controller_epoch} (PERSISTENT) holds the
 * epoch as decimal text, created as "0" and incremented by each newly elected controller, so the first
 * controller of a cluster has epoch 1. Thread-safe (stateless).
 */
final class ControllerZNode {

    static final int VERSION = 2;
    /** Kafka's {@code KafkaController.InitialControllerEpoch}. */
    static final int INITIAL_EPOCH = 0;

    private ControllerZNode() {
    }

    static byte[] encode(int brokerId, long timestampMs) {
        ObjectNode root = ZkJson.object();
        root.put("version", VERSION);
        root.put("brokerid", brokerId);
        root.put("timestamp", Long.toString(timestampMs));
        return ZkJson.bytes(root);
    }

    static int decodeBrokerId(byte[] bytes) {
        return ZkJson.requiredInt(KafkaZkPaths.CONTROLLER, ZkJson.parseObject(KafkaZkPaths.CONTROLLER, bytes), "brokerid");
    }

    static byte[] encodeEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int decodeEpoch(byte[] bytes) {
        String text = ZkJson.text(bytes).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new MetadataException("Znode " + KafkaZkPaths.CONTROLLER_EPOCH + " does not hold an integer: '"
                    + text + "'", e);
        }
    }
}
