package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DescribeCluster and DescribeLogDirs with the real Admin client. */
class AdminClusterTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    private Admin admin;

    @BeforeEach
    void start() {
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private int port() {
        return Integer.parseInt(broker.bootstrapServers().split(":")[1]);
    }

    @Test
    void theClusterHasAStableIdAControllerAndThisBroker() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));
        String clusterId = cluster.clusterId().get(30, TimeUnit.SECONDS);
        assertThat(clusterId).hasSize(22);
        assertThat(cluster.controller().get(30, TimeUnit.SECONDS).id()).isEqualTo(0);
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo(0);
            assertThat(n.host()).isEqualTo("127.0.0.1");
            assertThat(n.port()).isEqualTo(port());
        });
        assertThat(cluster.authorizedOperations().get(30, TimeUnit.SECONDS)).contains(AclOperation.DESCRIBE, AclOperation.CREATE);

        admin.close();
        broker.restart();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        DescribeClusterResult again = admin.describeCluster();
        assertThat(again.clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
        assertThat(again.nodes().get(30, TimeUnit.SECONDS)).extracting(Node::port).containsExactly(port());
    }

    @Test
    void logDirsListTheirPartitionsWithSizes() throws Exception {
        admin.createTopics(List.of(new NewTopic("stored", 2, (short) 1), new NewTopic("other", 1, (short) 1)))
            .all().get(30, TimeUnit.SECONDS);
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get(30, TimeUnit.SECONDS).get(0);
        String logDir = broker.dir().resolve("logs").toAbsolutePath().normalize().toString();
        assertThat(dirs).containsOnlyKeys(logDir);
        LogDirDescription description = dirs.get(logDir);
        assertThat(description.error()).isNull();
        assertThat(description.replicaInfos()).containsOnlyKeys(new TopicPartition("stored", 0), new TopicPartition("stored", 1),
            new TopicPartition("other", 0));
        for (ReplicaInfo info : description.replicaInfos().values()) {
            assertThat(info.size()).isGreaterThanOrEqualTo(0);
            assertThat(info.offsetLag()).isZero();
            assertThat(info.isFuture()).isFalse();
        }
        assertThat(description.totalBytes()).isPresent();
        assertThat(description.usableBytes()).isPresent();

        var replicas = admin.describeReplicaLogDirs(List.of(new org.apache.kafka.common.TopicPartitionReplica("stored", 1, 0)))
            .all().get(30, TimeUnit.SECONDS);
        assertThat(replicas.values()).singleElement().satisfies(r -> assertThat(r.getCurrentReplicaLogDir()).isEqualTo(logDir));
    }
}
