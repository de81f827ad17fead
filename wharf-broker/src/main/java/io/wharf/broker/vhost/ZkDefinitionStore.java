package io.wharf.broker.vhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.exchange.ExchangeType;
import io.wharf.broker.metadata.MetadataException;
import io.wharf.broker.metadata.WharfZNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Durable definitions in ZooKeeper, under Wharf's own root (DESIGN.md: metadata in ZooKeeper, messages in
 * logs), one znode of JSON each:
 * <pre>
 * /wharf/exchanges/&lt;vhost&gt;/&lt;exchange&gt;   {"type":"topic","durable":true,"auto_delete":false,"internal":false,"arguments":{...}}
 * /wharf/queues/&lt;vhost&gt;/&lt;queue&gt;         {"durable":true,"auto_delete":false,"arguments":{...}}
 * /wharf/bindings/&lt;vhost&gt;/&lt;hash&gt;         {"source":"x","destination_type":"queue","destination":"q","routing_key":"k","arguments":{...}}
 * </pre>
 * Names are path segments encoded by {@link WharfZNodes#encodeSegment}; a binding's znode is named by a
 * hash of all four parts, since a binding has no name. Arguments keep their types ({@link FieldValuesJson}).
 */
public final class ZkDefinitionStore implements DefinitionStore {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final WharfZNodes nodes;

    public ZkDefinitionStore(WharfZNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public Definitions load(String vhost) {
        String v = WharfZNodes.encodeSegment(vhost);
        List<ExchangeDefinition> exchanges = new ArrayList<>();
        for (String child : nodes.children("exchanges/" + v)) {
            String path = "exchanges/" + v + "/" + child;
            nodes.get(path).ifPresent(data -> {
                JsonNode n = parse(path, data);
                exchanges.add(new ExchangeDefinition(WharfZNodes.decodeSegment(child),
                    ExchangeType.fromWireName(n.path("type").asText()).orElseThrow(() ->
                        new MetadataException("Znode " + path + " has an unknown exchange type: " + n)),
                    n.path("durable").asBoolean(true), n.path("auto_delete").asBoolean(), n.path("internal").asBoolean(),
                    FieldValuesJson.table(n.get("arguments"))));
            });
        }
        List<QueueDefinition> queues = new ArrayList<>();
        for (String child : nodes.children("queues/" + v)) {
            String path = "queues/" + v + "/" + child;
            nodes.get(path).ifPresent(data -> {
                JsonNode n = parse(path, data);
                queues.add(new QueueDefinition(WharfZNodes.decodeSegment(child), true, n.path("auto_delete").asBoolean(), 0,
                    FieldValuesJson.table(n.get("arguments"))));
            });
        }
        List<Binding> bindings = new ArrayList<>();
        for (String child : nodes.children("bindings/" + v)) {
            String path = "bindings/" + v + "/" + child;
            nodes.get(path).ifPresent(data -> {
                JsonNode n = parse(path, data);
                Destination d = n.path("destination_type").asText().equals("exchange")
                    ? Destination.exchange(n.path("destination").asText()) : Destination.queue(n.path("destination").asText());
                bindings.add(new Binding(n.path("source").asText(), d, n.path("routing_key").asText(),
                    FieldValuesJson.table(n.get("arguments"))));
            });
        }
        return new Definitions(exchanges, queues, bindings);
    }

    @Override
    public void saveExchange(String vhost, ExchangeDefinition e) {
        ObjectNode n = MAPPER.createObjectNode().put("type", e.type().wireName()).put("durable", e.durable())
            .put("auto_delete", e.autoDelete()).put("internal", e.internal());
        n.set("arguments", FieldValuesJson.table(e.arguments()));
        nodes.put(path("exchanges", vhost, e.name()), bytes(n));
    }

    @Override
    public void deleteExchange(String vhost, String exchange) {
        nodes.delete(path("exchanges", vhost, exchange));
    }

    @Override
    public void saveQueue(String vhost, QueueDefinition q) {
        ObjectNode n = MAPPER.createObjectNode().put("durable", true).put("auto_delete", q.autoDelete());
        n.set("arguments", FieldValuesJson.table(q.arguments()));
        nodes.put(path("queues", vhost, q.name()), bytes(n));
    }

    @Override
    public void deleteQueue(String vhost, String queue) {
        nodes.delete(path("queues", vhost, queue));
    }

    @Override
    public void saveBinding(String vhost, Binding b) {
        ObjectNode n = bindingJson(b);
        nodes.put(bindingPath(vhost, n), bytes(n));
    }

    @Override
    public void deleteBinding(String vhost, Binding b) {
        nodes.delete(bindingPath(vhost, bindingJson(b)));
    }

    private static ObjectNode bindingJson(Binding b) {
        ObjectNode n = MAPPER.createObjectNode().put("source", b.source())
            .put("destination_type", b.destination().kind() == Destination.Kind.QUEUE ? "queue" : "exchange")
            .put("destination", b.destination().name()).put("routing_key", b.routingKey());
        n.set("arguments", FieldValuesJson.table(b.arguments()));
        return n;
    }

    private static String bindingPath(String vhost, ObjectNode binding) {
        return "bindings/" + WharfZNodes.encodeSegment(vhost) + "/" + id(binding);
    }

    @Override
    public void deleteVhost(String vhost) {
        String v = WharfZNodes.encodeSegment(vhost);
        nodes.delete("exchanges/" + v);
        nodes.delete("queues/" + v);
        nodes.delete("bindings/" + v);
    }

    private static String path(String kind, String vhost, String name) {
        return kind + "/" + WharfZNodes.encodeSegment(vhost) + "/" + WharfZNodes.encodeSegment(name);
    }

    private static String id(ObjectNode binding) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes(binding));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String path, byte[] data) {
        try {
            return MAPPER.readTree(data);
        } catch (IOException e) {
            throw new MetadataException("Znode /wharf/" + path + " does not hold valid JSON", e);
        }
    }
}
