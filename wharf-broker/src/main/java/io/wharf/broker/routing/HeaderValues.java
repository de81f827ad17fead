package io.wharf.broker.routing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * When a header value equals a binding argument's value, as RabbitMQ's headers exchange decides it. Values are the
 * plain Java values the AMQP codec decodes a field table into: String (longstr), byte[] (byte array), Byte, Short,
 * Integer, Long, Float, Double, BigDecimal, Boolean, java.util.Date, List (array) and Map (table).
 *
 * <p>RabbitMQ 3.13 and later ({@code rabbit_exchange_type_headers.erl}) compare the binding's value with the
 * message's <em>untagged</em> header value using Erlang exact equality ({@code =:=}), so at the top level:
 * <ul>
 *   <li>integers are equal across widths — Byte 1, Short 1, Integer 1 and Long 1 are all the Erlang integer 1;</li>
 *   <li>Float and Double are equal when the float, widened, is the same double (both decode to Erlang floats);</li>
 *   <li>an integer never equals a floating-point number (1 =:= 1.0 is false; RabbitMQ before 3.13 used {@code ==},
 *       under which it was true);</li>
 *   <li>a String equals a byte[] holding its UTF-8 bytes (longstr and byte array both decode to Erlang binaries);</li>
 *   <li>a BigDecimal equals only a BigDecimal of the same unscaled value and scale (Erlang's {@code {Scale, Value}});
 *   </li>
 *   <li>a Date equals only a Date of the same instant. (RabbitMQ's {@code mc_amqpl} turns the header's timestamp into
 *       milliseconds but leaves the binding's in seconds, so there a timestamp never matches; Wharf does not copy
 *       that.)</li>
 * </ul>
 * Inside an array or a table RabbitMQ compares tagged values, so there the type matters: elements are equal when they
 * are of the same Java class and equal (Integer 1 differs from Long 1), byte[] by content, tables as maps.
 *
 * <p>Thread-safety: stateless.
 */
final class HeaderValues {
    private HeaderValues() {
    }

    /** Whether header value {@code header} equals binding value {@code binding}; null is a void value. */
    static boolean same(Object binding, Object header) {
        if (binding == header) {
            return true;
        }
        if (binding == null || header == null) {
            return false;
        }
        if (isInteger(binding) && isInteger(header)) {
            return ((Number) binding).longValue() == ((Number) header).longValue();
        }
        if (isFloating(binding) && isFloating(header)) {
            return ((Number) binding).doubleValue() == ((Number) header).doubleValue();
        }
        if (binding instanceof String && header instanceof byte[]) {
            return Arrays.equals(((String) binding).getBytes(StandardCharsets.UTF_8), (byte[]) header);
        }
        if (binding instanceof byte[] && header instanceof String) {
            return Arrays.equals((byte[]) binding, ((String) header).getBytes(StandardCharsets.UTF_8));
        }
        return sameTagged(binding, header);
    }

    /** Equality of values nested in an array or a table: the type tag counts. */
    private static boolean sameTagged(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof List && b instanceof List) {
            return sameLists((List<?>) a, (List<?>) b);
        }
        if (a instanceof Map && b instanceof Map) {
            return sameMaps((Map<?, ?>) a, (Map<?, ?>) b);
        }
        return a.getClass() == b.getClass() && a.equals(b);
    }

    private static boolean sameLists(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<?> i = a.iterator();
        Iterator<?> j = b.iterator();
        while (i.hasNext()) {
            if (!sameTagged(i.next(), j.next())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameMaps(Map<?, ?> a, Map<?, ?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<?, ?> entry : a.entrySet()) {
            Object key = entry.getKey();
            if (!b.containsKey(key) || !sameTagged(entry.getValue(), b.get(key))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    private static boolean isFloating(Object value) {
        return value instanceof Double || value instanceof Float;
    }
}
