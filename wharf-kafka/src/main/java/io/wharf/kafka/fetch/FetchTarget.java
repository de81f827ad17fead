package io.wharf.kafka.fetch;

import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * One topic of a fetch request, resolved once when the request arrives: its name (null when the request
 * named it by an id this broker does not know), its id, and the partitions to read. A topic-wide
 * {@code error} (UNKNOWN_TOPIC_ID, UNSUPPORTED_COMPRESSION_TYPE) answers every partition without a read.
 */
record FetchTarget(String topic, Uuid topicId, Errors error, List<PartitionTarget> partitions) {

    /** Where to read one partition from, and at most how much. */
    record PartitionTarget(int partition, long fetchOffset, int maxBytes) {
    }

    FetchTarget {
        partitions = List.copyOf(partitions);
    }
}
