package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Codec of {@code /brokers/topics/<topic>/partitions/<p>/state}, Kafka's leader and ISR, version 1:
 * {@code {"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1]}}. Kafka 3.2+ may add
 * {@code "leader_recovery_state"} (KIP-704); it is ignored on read and never written, which Kafka reads as
 * RECOVERED. Thread-safe (stateless).
 */
final class PartitionStateZNode {

    static final int VERSION = 1;

    private PartitionStateZNode() {
    }

    static byte[] encode(PartitionState state) {
        ObjectNode root = ZkJson.object();
        root.put("controller_epoch", state.controllerEpoch());
        root.put("leader", state.leader());
        root.put("version", VERSION);
        root.put("leader_epoch", state.leaderEpoch());
        ArrayNode isr = root.putArray("isr");
        state.isr().forEach(isr::add);
        return ZkJson.bytes(root);
    }

    static PartitionState decode(String topic, int partition, byte[] bytes) {
        String path = KafkaZkPaths.partitionState(topic, partition);
        JsonNode root = ZkJson.parseObject(path, bytes);
        return new PartitionState(
                ZkJson.requiredInt(path, root, "leader"),
                ZkJson.requiredInt(path, root, "leader_epoch"),
                TopicZNode.intList(path, root.path("isr")),
                ZkJson.requiredInt(path, root, "controller_epoch"));
    }
}
