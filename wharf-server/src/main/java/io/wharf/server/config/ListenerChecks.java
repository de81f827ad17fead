package io.wharf.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Rules that span listeners, once each listener has parsed on its own.
 *
 * <p>Bound listeners, across all front-ends, need distinct names (a name is how a listener is referred
 * to, as in {@code advertised.listeners}) and must not claim the same port on overlapping interfaces.
 * Two listeners on the same port conflict when they name the same host or either binds every interface;
 * port 0 never conflicts, each gets its own free port. Whether a port is actually free is for start-up
 * to find out: this class never touches the network.
 */
final class ListenerChecks {
    private ListenerChecks() {
    }

    /**
     * @param byKey bound listeners per configuration key, in the order the keys should be blamed: a
     *              conflict is reported against the later listener
     * @throws ConfigException naming the key of the later of two conflicting listeners
     */
    static void checkBound(Map<String, List<Listener>> byKey) {
        List<Map.Entry<String, Listener>> seen = new ArrayList<>();
        for (Map.Entry<String, List<Listener>> entry : byKey.entrySet()) {
            String key = entry.getKey();
            for (Listener listener : entry.getValue()) {
                for (Map.Entry<String, Listener> earlier : seen) {
                    Listener other = earlier.getValue();
                    String where = earlier.getKey().equals(key) ? "" : " in '" + earlier.getKey() + "'";
                    if (other.name().equals(listener.name())) {
                        throw ConfigException.invalidValue(key, listener.toString(), "listener name '"
                                + listener.name() + "' is already used by '" + other + "'" + where
                                + "; every listener needs its own name");
                    }
                    if (clash(other, listener)) {
                        throw ConfigException.invalidValue(key, listener.toString(), "port " + listener.port()
                                + " is already taken by '" + other + "'" + where
                                + "; every listener needs its own port");
                    }
                }
                seen.add(Map.entry(key, listener));
            }
        }
    }

    private static boolean clash(Listener a, Listener b) {
        if (a.port() == 0 || a.port() != b.port()) return false;
        return a.bindsAllInterfaces() || b.bindsAllInterfaces() || a.host().equalsIgnoreCase(b.host());
    }

    /**
     * Kafka's rules for {@code advertised.listeners}: each name is one of {@code listeners}' names and
     * appears once, and the address is one a client can connect to. Ports may repeat, as in Kafka, so a
     * load balancer's address can be advertised for several listeners.
     *
     * @throws ConfigException naming {@code key}
     */
    static void checkAdvertised(String key, List<Listener> advertised, String boundKey, List<Listener> bound) {
        Set<String> boundNames = bound.stream().map(Listener::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> names = new HashSet<>();
        for (Listener listener : advertised) {
            String value = listener.toString();
            if (!names.add(listener.name())) {
                throw ConfigException.invalidValue(key, value, "listener name '" + listener.name()
                        + "' is advertised twice");
            }
            if (!boundNames.contains(listener.name())) {
                throw ConfigException.invalidValue(key, value, "there is no listener named '" + listener.name()
                        + "' in '" + boundKey + "' (names there: " + String.join(", ", boundNames) + ")");
            }
            if (listener.bindsAllInterfaces()) {
                throw ConfigException.invalidValue(key, value, "the wildcard address " + listener.host()
                        + " cannot be advertised; give a host name or address clients can reach");
            }
            if (listener.port() == 0) {
                throw ConfigException.invalidValue(key, value,
                        "port 0 cannot be advertised; give the port clients should connect to");
            }
        }
    }
}
