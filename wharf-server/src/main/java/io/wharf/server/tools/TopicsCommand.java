package io.wharf.server.tools;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wharf topics}: create, list, describe and delete topics, as kafka-topics.sh does. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create, list, describe or delete topics.")
public final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--create", required = true, description = "Create a topic.") boolean create;
        @Option(names = "--list", required = true, description = "List topics.") boolean list;
        @Option(names = "--describe", required = true, description = "Describe topics.") boolean describe;
        @Option(names = "--delete", required = true, description = "Delete a topic.") boolean delete;
    }

    @Option(names = "--topic", paramLabel = "NAME", description = "The topic (required with --create and --delete).")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of a new topic (default: the broker's num.partitions).")
    Optional<Integer> partitions = Optional.empty();

    @Option(names = "--replication-factor", paramLabel = "N", description = "Replicas of each partition (default: the broker's default.replication.factor).")
    Optional<Short> replicationFactor = Optional.empty();

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Topic config override for --create; repeatable.")
    Map<String, String> configs = new HashMap<>();

    @Override
    public Integer call() {
        try (Admin admin = Admin.create(client.properties())) {
            if (action.create) create(admin);
            else if (action.list) list(admin);
            else if (action.describe) describe(admin);
            else delete(admin);
            return 0;
        } catch (ToolException e) {
            throw e;
        } catch (Exception e) {
            throw ToolException.from(e, client.bootstrapServer);
        }
    }

    private String requireTopic(String action) {
        if (topic == null || topic.isBlank()) throw new ToolException("--" + action + " needs --topic NAME");
        return topic;
    }

    private void create(Admin admin) throws Exception {
        NewTopic newTopic = new NewTopic(requireTopic("create"), partitions, replicationFactor).configs(configs);
        admin.createTopics(List.of(newTopic)).all().get();
        out().println("Created topic " + topic + ".");
    }

    private void list(Admin admin) throws Exception {
        admin.listTopics().names().get().stream().sorted().forEach(out()::println);
    }

    private void delete(Admin admin) throws Exception {
        admin.deleteTopics(List.of(requireTopic("delete"))).all().get();
        out().println("Deleted topic " + topic + ".");
    }

    private void describe(Admin admin) throws Exception {
        List<String> names = topic != null ? List.of(topic)
            : admin.listTopics().names().get().stream().sorted().toList();
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configsByTopic = admin.describeConfigs(resources).all().get();
        for (String name : names) {
            TopicDescription d = descriptions.get(name);
            Config config = configsByTopic.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            String overrides = config == null ? "" : config.entries().stream()
                .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(e -> e.name() + "=" + e.value()).collect(Collectors.joining(","));
            int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            out().printf("Topic: %s\tTopicId: %s\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: %s%n",
                name, d.topicId(), d.partitions().size(), rf, overrides);
            for (var p : d.partitions()) {
                out().printf("\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s%n", name, p.partition(),
                    p.leader() == null ? "none" : p.leader().id(), ids(p.replicas()), ids(p.isr()));
            }
        }
    }

    private static String ids(List<org.apache.kafka.common.Node> nodes) {
        List<String> out = new ArrayList<>();
        for (var n : nodes) out.add(Integer.toString(n.id()));
        return String.join(",", out);
    }

    private java.io.PrintWriter out() { return spec.commandLine().getOut(); }
}
