package io.wharf.broker.vhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argument tables (queue, exchange and binding arguments) as JSON that keeps each value's type, so that a
 * definition loaded after a restart compares equal to the one declared: every value is
 * {@code {"t": type, "v": value}} with type one of string, int, long, short, byte, bool, double, float,
 * decimal, timestamp (ms), bytes (base64), array, table, void.
 */
final class FieldValuesJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FieldValuesJson() {
    }

    static ObjectNode table(Map<String, Object> table) {
        // Sorted, so that equal tables give equal JSON (a binding's znode is named by a hash of it).
        ObjectNode node = MAPPER.createObjectNode();
        new java.util.TreeMap<>(table).forEach((k, v) -> node.set(k, value(v)));
        return node;
    }

    static Map<String, Object> table(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node != null) node.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
    }

    private static ObjectNode value(Object v) {
        ObjectNode n = MAPPER.createObjectNode();
        if (v == null) return n.put("t", "void");
        if (v instanceof String s) return n.put("t", "string").put("v", s);
        if (v instanceof Integer i) return n.put("t", "int").put("v", i);
        if (v instanceof Long l) return n.put("t", "long").put("v", l);
        if (v instanceof Short s) return n.put("t", "short").put("v", s);
        if (v instanceof Byte b) return n.put("t", "byte").put("v", b);
        if (v instanceof Boolean b) return n.put("t", "bool").put("v", b);
        if (v instanceof Double d) return n.put("t", "double").put("v", d);
        if (v instanceof Float f) return n.put("t", "float").put("v", f);
        if (v instanceof BigDecimal d) return n.put("t", "decimal").put("v", d.toString());
        if (v instanceof Date d) return n.put("t", "timestamp").put("v", d.getTime());
        if (v instanceof byte[] b) return n.put("t", "bytes").put("v", Base64.getEncoder().encodeToString(b));
        if (v instanceof List<?> list) {
            ArrayNode a = n.put("t", "array").putArray("v");
            for (Object o : list) a.add(value(o));
            return n;
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) m;
            n.put("t", "table").set("v", table(t));
            return n;
        }
        return n.put("t", "string").put("v", v.toString());
    }

    private static Object value(JsonNode n) {
        JsonNode v = n.get("v");
        return switch (n.path("t").asText()) {
            case "string" -> v.asText();
            case "int" -> v.asInt();
            case "long" -> v.asLong();
            case "short" -> (short) v.asInt();
            case "byte" -> (byte) v.asInt();
            case "bool" -> v.asBoolean();
            case "double" -> v.asDouble();
            case "float" -> (float) v.asDouble();
            case "decimal" -> new BigDecimal(v.asText());
            case "timestamp" -> new Date(v.asLong());
            case "bytes" -> Base64.getDecoder().decode(v.asText());
            case "array" -> {
                List<Object> list = new ArrayList<>();
                v.forEach(e -> list.add(value(e)));
                yield list;
            }
            case "table" -> table(v);
            default -> null;
        };
    }
}
