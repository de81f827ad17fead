package io.wharf.kafka.api;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * The authorized-operations bit fields of Metadata (topics) and DescribeCluster (the cluster). Wharf has no
 * Kafka authorizer yet, so every client may do every operation a resource supports — what Kafka reports
 * when no authorizer is configured. This is the one place to change when ACLs arrive.
 */
public final class AuthorizedOperations {
    private static final int TOPIC = bits(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE,
        AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final int CLUSTER = bits(AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
        AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);

    private AuthorizedOperations() {
    }

    public static int topic() { return TOPIC; }

    public static int cluster() { return CLUSTER; }

    private static int bits(AclOperation... operations) {
        Set<Byte> codes = new java.util.HashSet<>();
        for (AclOperation op : operations) codes.add(op.code());
        return Utils.to32BitField(codes);
    }
}
