package io.wharf.kafka.group;

import org.apache.kafka.common.protocol.Errors;

/** The outcome of a SyncGroup: the member's assignment from the leader, verbatim, or an error. */
record SyncResult(Errors error, String protocolType, String protocolName, byte[] assignment) {
    private static final byte[] NONE = new byte[0];

    static SyncResult error(Errors error) {
        return new SyncResult(error, null, null, NONE);
    }
}
