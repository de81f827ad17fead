package io.wharf.broker.txn;

import io.wharf.broker.metadata.ZkMetadataStore;

/**
 * Hands out producer ids, unique across the cluster: each broker claims blocks of
 * {@value #BLOCK_SIZE} ids in ZooKeeper and serves them one by one. Ids are never reused, even across
 * restarts (a restart claims a fresh block). Thread-safe.
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final ZkMetadataStore metadata;
    private final int brokerId;
    private long next;
    private long blockEnd = -1;

    public ProducerIdManager(ZkMetadataStore metadata, int brokerId) {
        this.metadata = metadata;
        this.brokerId = brokerId;
    }

    public synchronized long nextProducerId() {
        if (next > blockEnd) {
            next = metadata.allocateProducerIdBlock(brokerId, BLOCK_SIZE);
            blockEnd = next + BLOCK_SIZE - 1;
        }
        return next++;
    }
}
