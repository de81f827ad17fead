package io.wharf.server.tools;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wharf console-producer}: sends one record per line of standard input until it ends, like
 * kafka-console-producer.sh. With {@code --parse-key}, the text before the first separator is the key.
 */
@Command(name = "console-producer", mixinStandardHelpOptions = true,
    description = "Send each line of standard input as a record.")
public final class ConsoleProducerCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, paramLabel = "NAME", description = "Topic to send to.")
    String topic;

    @Option(names = "--parse-key", description = "Read each line as KEY<separator>VALUE.")
    boolean parseKey;

    @Option(names = "--key-separator", paramLabel = "TEXT", defaultValue = ":",
        description = "Separator between key and value with --parse-key (default: ${DEFAULT-VALUE}).")
    String keySeparator;

    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all", description = "Producer acks (default: ${DEFAULT-VALUE}).")
    String acks;

    @Override
    public Integer call() throws Exception {
        Properties props = client.properties();
        props.put("acks", acks);
        props.put("linger.ms", "5");
        int sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            Future<RecordMetadata> last = null;
            String line;
            while ((line = in.readLine()) != null) {
                String key = null;
                String value = line;
                if (parseKey) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        throw new ToolException("Line " + (sent + 1) + " has no key separator '" + keySeparator + "': " + line);
                    }
                    key = line.substring(0, at);
                    value = line.substring(at + keySeparator.length());
                }
                last = producer.send(new ProducerRecord<>(topic, key, value));
                sent++;
            }
            producer.flush();
            if (last != null) last.get(); // surfaces a failed send as an error and a non-zero exit
        } catch (ToolException e) {
            throw e;
        } catch (Exception e) {
            throw ToolException.from(e, client.bootstrapServer);
        }
        return 0;
    }
}
