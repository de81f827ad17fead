package io.wharf.server.tools;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wharf consumer-groups}: lists groups, or shows a group's committed offsets and lag. */
@Command(name = "consumer-groups", mixinStandardHelpOptions = true,
    description = "List consumer groups, or describe one: committed offsets, log end offsets, lag, members.")
public final class ConsumerGroupsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--list", required = true, description = "List the groups.") boolean list;
        @Option(names = "--describe", required = true, description = "Describe --group.") boolean describe;
    }

    @Option(names = "--group", paramLabel = "ID", description = "The group to describe.")
    String group;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(client.properties())) {
            if (action.list) {
                admin.listGroups().all().get().stream().map(g -> g.groupId()).sorted().forEach(out::println);
                return 0;
            }
            if (group == null) throw new ToolException("--describe needs --group ID");
            ConsumerGroupDescription description = admin.describeConsumerGroups(java.util.List.of(group))
                .describedGroups().get(group).get();
            Map<TopicPartition, OffsetAndMetadata> committed = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            committed.putAll(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            Map<TopicPartition, MemberDescription> owners = new HashMap<>();
            for (MemberDescription m : description.members()) {
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    owners.put(tp, m);
                    committed.putIfAbsent(tp, null);
                }
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            out.printf("%-20s %-20s %-9s %-15s %-15s %-8s %-30s %-15s %s%n", "GROUP", "TOPIC", "PARTITION",
                "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                TopicPartition tp = e.getKey();
                long end = ends.get(tp).offset();
                String current = e.getValue() == null ? "-" : Long.toString(e.getValue().offset());
                String lag = e.getValue() == null ? "-" : Long.toString(end - e.getValue().offset());
                MemberDescription m = owners.get(tp);
                out.printf("%-20s %-20s %-9d %-15s %-15d %-8s %-30s %-15s %s%n", group, tp.topic(), tp.partition(),
                    current, end, lag, m == null ? "-" : m.consumerId(), m == null ? "-" : m.host(),
                    m == null ? "-" : m.clientId());
            }
            out.printf("%nGroup state: %s, %d member(s)%n", description.groupState(), description.members().size());
            return 0;
        } catch (ToolException e) {
            throw e;
        } catch (Exception e) {
            throw ToolException.from(e, client.bootstrapServer);
        }
    }
}
