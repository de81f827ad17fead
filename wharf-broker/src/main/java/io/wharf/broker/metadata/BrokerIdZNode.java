package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Codec of {@code /brokers/ids/<id>}, Kafka's broker registration, version 5:
 *
 * <pre>
 * {"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},
 *  "endpoints":["PLAINTEXT://127.0.0.1:9092"],
 *  "jmx_port":-1, "features":{}, "host":"127.0.0.1", "timestamp":"1700000000000", "port":9092,
 *  "version":5, "rack":"r1",
 *  "wharf_endpoints":[{"listener":"AMQP","security_protocol":"AMQP","host":"127.0.0.1","port":5672}]}
 * </pre>
 *
 * {@code rack} is present only when the broker has one; {@code wharf_endpoints} only when the broker has
 * listeners that are not Kafka's (Kafka ignores unknown fields). Top-level {@code host}/{@code port} are, as
 * in Kafka, those of the first listener whose security protocol is PLAINTEXT, else {@code null}/{@code -1}.
 * Decoding also accepts Kafka's older versions 1 to 4. Thread-safe (stateless).
 */
final class BrokerIdZNode {

    static final int VERSION = 5;
    private static final Pattern CONNECTION_STRING =
            Pattern.compile("^([^:/]+)://\\[?([0-9a-zA-Z\\-%._:]*)]?:([0-9]+)$");

    private BrokerIdZNode() {
    }

    static byte[] encode(BrokerRegistration registration, long timestampMs) {
        ObjectNode root = ZkJson.object();
        ObjectNode protocols = root.putObject("listener_security_protocol_map");
        ArrayNode endpoints = root.putArray("endpoints");
        List<Endpoint> kafkaEndpoints = registration.kafkaEndpoints();
        for (Endpoint endpoint : kafkaEndpoints) {
            protocols.put(endpoint.listenerName(), endpoint.securityProtocol());
            endpoints.add(endpoint.connectionString());
        }
        root.put("jmx_port", -1);
        root.putObject("features");
        Optional<Endpoint> plaintext = kafkaEndpoints.stream()
                .filter(e -> e.securityProtocol().equals("PLAINTEXT")).findFirst();
        if (plaintext.isPresent()) {
            root.put("host", plaintext.get().host());
        } else {
            root.putNull("host");
        }
        root.put("timestamp", Long.toString(timestampMs));
        root.put("port", plaintext.map(Endpoint::port).orElse(-1));
        root.put("version", VERSION);
        registration.rack().ifPresent(rack -> root.put("rack", rack));
        List<Endpoint> others = registration.endpoints().stream().filter(e -> !e.isKafkaListener()).toList();
        if (!others.isEmpty()) {
            ArrayNode wharf = root.putArray("wharf_endpoints");
            for (Endpoint endpoint : others) {
                wharf.addObject()
                        .put("listener", endpoint.listenerName())
                        .put("security_protocol", endpoint.securityProtocol())
                        .put("host", endpoint.host())
                        .put("port", endpoint.port());
            }
        }
        return ZkJson.bytes(root);
    }

    static BrokerRegistration decode(int brokerId, byte[] data) {
        String path = KafkaZkPaths.brokerId(brokerId);
        JsonNode root = ZkJson.parseObject(path, data);
        int version = ZkJson.requiredInt(path, root, "version");
        if (version < 1) {
            throw new MetadataException("Znode " + path + " has unsupported registration version " + version);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        if (version == 1) {
            String host = root.path("host").asText("");
            endpoints.add(new Endpoint("PLAINTEXT", "PLAINTEXT", host, ZkJson.requiredInt(path, root, "port")));
        } else {
            Map<String, String> protocols = new HashMap<>();
            root.path("listener_security_protocol_map").fields()
                    .forEachRemaining(field -> protocols.put(field.getKey(), field.getValue().asText()));
            for (JsonNode endpoint : root.path("endpoints")) {
                endpoints.add(parseConnectionString(path, endpoint.asText(), protocols));
            }
        }
        for (JsonNode endpoint : root.path("wharf_endpoints")) {
            endpoints.add(new Endpoint(endpoint.path("listener").asText(), endpoint.path("security_protocol").asText(),
                    endpoint.path("host").asText(), endpoint.path("port").asInt(-1)));
        }
        JsonNode rack = root.get("rack");
        Optional<String> rackName = rack == null || rack.isNull() ? Optional.empty() : Optional.of(rack.asText());
        try {
            return new BrokerRegistration(brokerId, endpoints, rackName);
        } catch (IllegalArgumentException e) {
            throw new MetadataException("Znode " + path + " holds an invalid registration: " + e.getMessage(), e);
        }
    }

    /**
     * Parses Kafka's {@code LISTENER://host:port}. Without a listener_security_protocol_map (versions 2 and
     * 3) the listener name is the security protocol, as in Kafka.
     */
    private static Endpoint parseConnectionString(String path, String text, Map<String, String> protocols) {
        Matcher matcher = CONNECTION_STRING.matcher(text);
        if (!matcher.matches()) {
            throw new MetadataException("Znode " + path + " has a malformed endpoint '" + text + "'");
        }
        String listener = matcher.group(1);
        String protocol = protocols.getOrDefault(listener, listener);
        try {
            return new Endpoint(listener, protocol, matcher.group(2), Integer.parseInt(matcher.group(3)));
        } catch (IllegalArgumentException e) {
            throw new MetadataException("Znode " + path + " has an invalid endpoint '" + text + "': "
                    + e.getMessage(), e);
        }
    }
}
