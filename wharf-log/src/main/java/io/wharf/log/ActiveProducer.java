package io.wharf.log;

/**
 * A producer the log remembers, as Kafka's DescribeProducers reports it: its epoch, the sequence of its last
 * batch (-1 if none), the newest timestamp it wrote, the coordinator epoch of its last transaction marker
 * (-1 before any) and the first offset of its open transaction (-1 if none).
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp, int coordinatorEpoch,
                             long currentTransactionStartOffset) {
}
