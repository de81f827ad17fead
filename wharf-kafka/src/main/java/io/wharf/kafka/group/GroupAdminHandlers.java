package io.wharf.kafka.group;

import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/** DescribeGroups, ListGroups and DeleteGroups on the wire. */
final class GroupAdminHandlers {
    /** What a client may do to a group when no authorizer is configured: everything a group supports. */
    static final int GROUP_OPERATIONS = AuthorizedOperations.group();
    /** DescribeGroups answers an unknown group with GROUP_ID_NOT_FOUND from v6; before, as a Dead group. */
    private static final short GROUP_NOT_FOUND_MIN_VERSION = 6;

    private final GroupAdmin admin;

    GroupAdminHandlers(GroupAdmin admin) {
        this.admin = admin;
    }

    CompletableFuture<AbstractResponse> describeGroups(RequestContext context, DescribeGroupsRequest request) {
        short version = context.apiVersion();
        int operations = request.data().includeAuthorizedOperations() ? GROUP_OPERATIONS
            : DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED;
        List<DescribeGroupsResponseData.DescribedGroup> groups = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            GroupAdmin.GroupSummary s = admin.describe(groupId);
            if (s.error() != Errors.NONE) {
                groups.add(DescribeGroupsResponse.groupError(groupId, s.error()));
            } else if (!s.found() && version >= GROUP_NOT_FOUND_MIN_VERSION) {
                groups.add(DescribeGroupsResponse.groupError(groupId, Errors.GROUP_ID_NOT_FOUND,
                    "Group " + groupId + " not found."));
            } else {
                groups.add(described(s, operations));
            }
        }
        return CompletableFuture.completedFuture(new DescribeGroupsResponse(new DescribeGroupsResponseData().setGroups(groups)));
    }

    private static DescribeGroupsResponseData.DescribedGroup described(GroupAdmin.GroupSummary s, int operations) {
        List<DescribeGroupsResponseData.DescribedGroupMember> members = new ArrayList<>();
        for (GroupAdmin.MemberSummary m : s.members()) {
            members.add(new DescribeGroupsResponseData.DescribedGroupMember()
                .setMemberId(m.memberId())
                .setGroupInstanceId(m.groupInstanceId())
                .setClientId(m.clientId())
                .setClientHost(m.clientHost())
                .setMemberMetadata(m.metadata())
                .setMemberAssignment(m.assignment()));
        }
        return new DescribeGroupsResponseData.DescribedGroup()
            .setErrorCode(Errors.NONE.code())
            .setGroupId(s.groupId())
            .setGroupState(s.state())
            .setProtocolType(s.protocolType())
            .setProtocolData(s.protocol() == null ? "" : s.protocol())
            .setMembers(members)
            .setAuthorizedOperations(operations);
    }

    CompletableFuture<AbstractResponse> listGroups(RequestContext context, ListGroupsRequest request) {
        GroupAdmin.ListResult result = admin.list(request.data().statesFilter(), request.data().typesFilter());
        List<ListGroupsResponseData.ListedGroup> groups = new ArrayList<>();
        for (GroupAdmin.Listed g : result.groups()) {
            groups.add(new ListGroupsResponseData.ListedGroup()
                .setGroupId(g.groupId())
                .setProtocolType(g.protocolType())
                .setGroupState(g.state())
                .setGroupType(g.type()));
        }
        return CompletableFuture.completedFuture(new ListGroupsResponse(new ListGroupsResponseData()
            .setErrorCode(result.error().code()).setGroups(groups)));
    }

    CompletableFuture<AbstractResponse> deleteGroups(RequestContext context, DeleteGroupsRequest request) {
        DeleteGroupsResponseData.DeletableGroupResultCollection results = new DeleteGroupsResponseData.DeletableGroupResultCollection();
        for (Map.Entry<String, Errors> e : admin.delete(request.data().groupsNames()).entrySet()) {
            results.add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(e.getKey()).setErrorCode(e.getValue().code()));
        }
        return CompletableFuture.completedFuture(new DeleteGroupsResponse(new DeleteGroupsResponseData().setResults(results)));
    }
}
