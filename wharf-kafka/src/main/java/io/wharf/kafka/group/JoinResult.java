package io.wharf.kafka.group;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * The outcome of a JoinGroup, independent of the request version: the member's (possibly new) id, the
 * generation it joined, the chosen protocol, the leader, and — for the leader only — every member with its
 * metadata for the chosen protocol.
 */
record JoinResult(Errors error, String memberId, int generationId, String protocolType, String protocolName,
                  String leaderId, boolean skipAssignment, List<Member> members) {
    /** A member as the leader sees it: id, static instance id (or null), metadata for the chosen protocol. */
    record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    static JoinResult error(String memberId, Errors error) {
        return new JoinResult(error, memberId, -1, null, null, "", false, List.of());
    }
}
