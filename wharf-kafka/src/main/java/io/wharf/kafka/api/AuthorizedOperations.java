package io.wharf.kafka.api;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * The authorized-operations bit fields of Metadata (topics), DescribeCluster (the cluster) and the group
 * descriptions. Wharf has no
 * Kafka authorizer yet, so every client may do every operation a resource supports — what Kafka reports
 * when no authorizer is configured. This is the one place to change when ACLs arrive.
 */
public final class AuthorizedOperations {
    private static final int TOPIC = bits(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE,
        AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final int CLUSTER = bits(AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
        AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);
    private static final int GROUP = bits(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE);

    private AuthorizedOperations() {
    }

    public static int topic() { return TOPIC; }

    public static int cluster() { return CLUSTER; }

    /** Every operation a group supports (DescribeGroups, ConsumerGroupDescribe, ShareGroupDescribe). */
    public static int group() { return GROUP; }

    private static int bits(AclOperation... operations) {
        Set<Byte> codes = new java.util.HashSet<>();
        for (AclOperation op : operations) codes.add(op.code());
        return Utils.to32BitField(codes);
    }
}
