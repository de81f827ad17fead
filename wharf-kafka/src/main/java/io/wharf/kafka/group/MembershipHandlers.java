package io.wharf.kafka.group;

import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup on the wire: each version's request to the coordinator's
 * version-neutral call, and its result back to that version's response.
 */
final class MembershipHandlers {
    private final MembershipCoordinator membership;
    private final MemberRequests members;

    MembershipHandlers(MembershipCoordinator membership, MemberRequests members) {
        this.membership = membership;
        this.members = members;
    }

    CompletableFuture<AbstractResponse> joinGroup(RequestContext context, JoinGroupRequest request) {
        JoinGroupRequestData d = request.data();
        short version = context.apiVersion();
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        d.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        // Version 0 has no rebalance timeout: the session timeout served as both.
        int rebalanceTimeoutMs = version == 0 || d.rebalanceTimeoutMs() < 0 ? d.sessionTimeoutMs() : d.rebalanceTimeoutMs();
        MembershipCoordinator.JoinRequest join = new MembershipCoordinator.JoinRequest(d.groupId(),
            d.memberId() == null ? "" : d.memberId(), d.groupInstanceId(), JoinGroupRequest.requiresKnownMemberId(d, version),
            JoinGroupRequest.supportsSkippingAssignment(version), context.clientId(), context.clientHost(),
            d.sessionTimeoutMs(), rebalanceTimeoutMs, d.protocolType(), protocols, JoinGroupRequest.joinReason(d));
        return membership.join(join).thenApply(result -> joinResponse(result, version));
    }

    private static AbstractResponse joinResponse(JoinResult r, short version) {
        List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>(r.members().size());
        for (JoinResult.Member m : r.members()) {
            members.add(new JoinGroupResponseData.JoinGroupResponseMember()
                .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata()));
        }
        JoinGroupResponseData data = new JoinGroupResponseData()
            .setErrorCode(r.error().code())
            .setGenerationId(r.generationId())
            .setProtocolType(r.protocolType())
            // Nullable only from v7 on; older clients read "" as "none".
            .setProtocolName(r.protocolName() == null && version < 7 ? "" : r.protocolName())
            .setLeader(r.leaderId() == null ? "" : r.leaderId())
            .setSkipAssignment(r.skipAssignment())
            .setMemberId(r.memberId())
            .setMembers(members);
        return new JoinGroupResponse(data, version);
    }

    /** The client's address as Kafka reports it in DescribeGroups: "/" and the IP address. */
    CompletableFuture<AbstractResponse> syncGroup(RequestContext context, SyncGroupRequest request) {
        SyncGroupRequestData d = request.data();
        Map<String, byte[]> assignments = new HashMap<>();
        d.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        MemberRequests.SyncRequest sync = new MemberRequests.SyncRequest(d.groupId(), d.generationId(), d.memberId(),
            d.groupInstanceId(), d.protocolType(), d.protocolName(), assignments);
        return members.sync(sync).thenApply(r -> new SyncGroupResponse(new SyncGroupResponseData()
            .setErrorCode(r.error().code())
            .setProtocolType(r.protocolType())
            .setProtocolName(r.protocolName())
            .setAssignment(r.assignment())));
    }

    CompletableFuture<AbstractResponse> heartbeat(RequestContext context, HeartbeatRequest request) {
        var d = request.data();
        return CompletableFuture.completedFuture(new HeartbeatResponse(new HeartbeatResponseData()
            .setErrorCode(members.heartbeat(d.groupId(), d.memberId(), d.groupInstanceId(), d.generationId()).code())));
    }

    CompletableFuture<AbstractResponse> leaveGroup(RequestContext context, LeaveGroupRequest request) {
        List<MemberRequests.Leaving> leaving = new ArrayList<>();
        for (LeaveGroupRequestData.MemberIdentity m : request.members()) {
            leaving.add(new MemberRequests.Leaving(m.memberId(), m.groupInstanceId(), null));
        }
        MemberRequests.LeaveResult result = members.leave(request.data().groupId(), leaving);
        List<LeaveGroupResponseData.MemberResponse> responses = new ArrayList<>();
        for (MemberRequests.Leaving l : result.members()) {
            responses.add(new LeaveGroupResponseData.MemberResponse()
                .setMemberId(l.memberId()).setGroupInstanceId(l.groupInstanceId()).setErrorCode(l.error().code()));
        }
        // Before v3 a request names one member and the response carries its error at the top level.
        return CompletableFuture.completedFuture(new LeaveGroupResponse(responses, result.error(), 0, context.apiVersion()));
    }
}
