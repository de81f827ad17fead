package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Codec of {@code /brokers/topics/<topic>}, Kafka's topic assignment, version 3:
 *
 * <pre>
 * {"version":3,"partitions":{"0":[1,2],"1":[2,1]},"topic_id":"Tc3s8jCiQ8eWbHzfGL_Bvg",
 *  "adding_replicas":{},"removing_replicas":{}}
 * </pre>
 *
 * Partition keys are decimal strings, written in numeric order; each value lists replica broker ids, the
 * first being the preferred leader. {@code adding_replicas}/{@code removing_replicas} describe a
 * reassignment in progress (Kafka's KIP-455); Wharf does not start reassignments but keeps what it reads.
 * A znode written without {@code topic_id} (Kafka before 2.8) decodes with {@link TopicIds#ZERO}.
 * Thread-safe (stateless).
 */
final class TopicZNode {

    static final int VERSION = 3;

    /** The decoded znode. Maps are sorted by partition and unmodifiable. */
    record Data(String topicId, SortedMap<Integer, List<Integer>> partitions,
                SortedMap<Integer, List<Integer>> addingReplicas, SortedMap<Integer, List<Integer>> removingReplicas) {

        Data {
            partitions = TopicMetadata.sortedAssignment(partitions);
            addingReplicas = TopicMetadata.sortedAssignment(addingReplicas);
            removingReplicas = TopicMetadata.sortedAssignment(removingReplicas);
        }

        /** The same topic with {@code newPartitions} as its assignment; reassignment state is kept. */
        Data withPartitions(Map<Integer, List<Integer>> newPartitions) {
            return new Data(topicId, new TreeMap<>(newPartitions), addingReplicas, removingReplicas);
        }
    }

    private TopicZNode() {
    }

    static byte[] encode(Data data) {
        ObjectNode root = ZkJson.object();
        root.put("version", VERSION);
        writeAssignment(root.putObject("partitions"), data.partitions());
        root.put("topic_id", data.topicId());
        writeAssignment(root.putObject("adding_replicas"), data.addingReplicas());
        writeAssignment(root.putObject("removing_replicas"), data.removingReplicas());
        return ZkJson.bytes(root);
    }

    static Data decode(String topic, byte[] bytes) {
        String path = KafkaZkPaths.topic(topic);
        JsonNode root = ZkJson.parseObject(path, bytes);
        JsonNode topicId = root.get("topic_id");
        return new Data(
                topicId == null || topicId.isNull() ? TopicIds.ZERO : topicId.asText(),
                readAssignment(path, ZkJson.requiredObject(path, root, "partitions")),
                readAssignment(path, root.path("adding_replicas")),
                readAssignment(path, root.path("removing_replicas")));
    }

    private static void writeAssignment(ObjectNode target, SortedMap<Integer, List<Integer>> assignment) {
        assignment.forEach((partition, replicas) -> {
            ArrayNode array = target.putArray(Integer.toString(partition));
            replicas.forEach(array::add);
        });
    }

    private static SortedMap<Integer, List<Integer>> readAssignment(String path, JsonNode node) {
        SortedMap<Integer, List<Integer>> assignment = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            int partition;
            try {
                partition = Integer.parseInt(field.getKey());
            } catch (NumberFormatException e) {
                throw new MetadataException("Znode " + path + " has a non-numeric partition '" + field.getKey() + "'", e);
            }
            assignment.put(partition, intList(path, field.getValue()));
        }
        return assignment;
    }

    static List<Integer> intList(String path, JsonNode array) {
        if (!array.isArray()) {
            throw new MetadataException("Znode " + path + " has " + array + " where a list of broker ids belongs");
        }
        List<Integer> ids = new ArrayList<>(array.size());
        for (JsonNode id : array) {
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw new MetadataException("Znode " + path + " has a non-integer broker id in " + array);
            }
            ids.add(id.intValue());
        }
        return ids;
    }
}
