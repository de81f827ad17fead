package io.wharf.server.tools;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wharf console-consumer}: prints a topic's records, one value per line, like
 * kafka-console-consumer.sh. Without {@code --group} it reads every partition directly (no group, no
 * commits); with one it joins the group and commits as it goes.
 */
@Command(name = "console-consumer", mixinStandardHelpOptions = true, description = "Print the records of a topic.")
public final class ConsoleConsumerCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", required = true, paramLabel = "NAME", description = "Topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset instead of the end.")
    boolean fromBeginning;

    @Option(names = "--group", paramLabel = "ID", description = "Consume as a member of this consumer group.")
    String group;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after printing N records.")
    long maxMessages = Long.MAX_VALUE;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", description = "Exit when no record arrives for this long.")
    long idleTimeoutMs = Long.MAX_VALUE;

    @Option(names = "--print-key", description = "Print KEY<tab>VALUE.")
    boolean printKey;

    @Override
    public Integer call() {
        Properties props = client.properties();
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        if (group != null) {
            props.put("group.id", group);
        } else {
            props.put("enable.auto.commit", "false");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            if (group != null) {
                consumer.subscribe(List.of(topic));
            } else {
                List<TopicPartition> partitions = new ArrayList<>();
                var infos = consumer.partitionsFor(topic, Duration.ofMillis(client.timeoutMs));
                if (infos == null || infos.isEmpty()) throw new ToolException("Topic '" + topic + "' does not exist");
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                consumer.assign(partitions);
                if (fromBeginning) consumer.seekToBeginning(partitions);
                else consumer.seekToEnd(partitions);
            }
            long printed = 0;
            long lastRecord = System.currentTimeMillis();
            while (printed < maxMessages) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    out.println(printKey ? r.key() + "\t" + r.value() : r.value());
                    if (++printed >= maxMessages) break;
                }
                out.flush();
                if (!records.isEmpty()) lastRecord = System.currentTimeMillis();
                else if (System.currentTimeMillis() - lastRecord >= idleTimeoutMs) break;
            }
            if (group != null) consumer.commitSync();
            spec.commandLine().getErr().println("Processed a total of " + printed + " messages");
            return 0;
        } catch (ToolException e) {
            throw e;
        } catch (Exception e) {
            throw ToolException.from(e, client.bootstrapServer);
        }
    }
}
