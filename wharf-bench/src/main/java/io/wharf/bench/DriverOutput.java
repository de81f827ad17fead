package io.wharf.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the connection drivers ({@link AmqpConnections}, {@link MqttConnections}) share with the scripts that run
 * them: their {@code --name value} arguments, and the lines they print — {@code state NAME} when a phase is
 * reached (the script measures the broker then), {@code name value unit} for a figure.
 */
final class DriverOutput {
    private DriverOutput() {
    }

    static void state(String name) {
        System.out.println("state " + name);
        System.out.flush();
    }

    static void report(String name, Object value, String unit) {
        System.out.println(name + " " + value + (unit.isEmpty() ? "" : " " + unit));
        System.out.flush();
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** {@code --name value} pairs. */
    static final class Args {
        private final Map<String, String> values = new HashMap<>();

        Args(String[] args) {
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name, got " + args[i]);
                values.put(args[i].substring(2), args[i + 1]);
            }
        }

        String get(String name, String fallback) { return values.getOrDefault(name, fallback); }

        int getInt(String name, int fallback) {
            String v = values.get(name);
            return v == null ? fallback : Integer.parseInt(v);
        }
    }
}
