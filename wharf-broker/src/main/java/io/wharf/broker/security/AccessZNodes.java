package io.wharf.broker.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.broker.metadata.MetadataException;
import io.wharf.broker.metadata.WharfZNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where users, vhosts and permissions live in ZooKeeper, and their JSON (every name URL-encoded by
 * {@link WharfZNodes#encodeSegment}):
 *
 * <pre>
 * /wharf/vhosts/&lt;vhost&gt;                   {"version":1}
 * /wharf/users/&lt;user&gt;                     {"version":1,"password_hash":"&lt;base64&gt;",
 *                                          "hashing_algorithm":"rabbit_password_hashing_sha256",
 *                                          "tags":["administrator"]}
 * /wharf/permissions/&lt;vhost&gt;/&lt;user&gt;      {"version":1,"configure":".*","write":".*","read":".*"}
 * </pre>
 *
 * The user fields are those of a RabbitMQ definitions export; {@code "password_hash":""} is a user without a
 * password. A permission znode may outlive its vhost or user (a crash between two deletes); such orphans are read
 * but never take effect (see {@link AccessSnapshot}) and are removed when a vhost or user of that name is created.
 *
 * <p>Reading a whole section skips, with a warning, any znode that does not parse, so that one bad entry written
 * by hand does not take every user's access away. Thread-safe (stateless apart from the thread-safe nodes).
 */
final class AccessZNodes {

    static final String VHOSTS = "vhosts";
    static final String USERS = "users";
    static final String PERMISSIONS = "permissions";

    private static final Logger log = LoggerFactory.getLogger(AccessZNodes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    private final WharfZNodes nodes;

    AccessZNodes(WharfZNodes nodes) {
        this.nodes = nodes;
    }

    WharfZNodes nodes() {
        return nodes;
    }

    static String vhost(String vhost) {
        return VHOSTS + "/" + WharfZNodes.encodeSegment(vhost);
    }

    static String user(String user) {
        return USERS + "/" + WharfZNodes.encodeSegment(user);
    }

    static String permissionsOf(String vhost) {
        return PERMISSIONS + "/" + WharfZNodes.encodeSegment(vhost);
    }

    static String permission(String vhost, String user) {
        return permissionsOf(vhost) + "/" + WharfZNodes.encodeSegment(user);
    }

    // ---- housekeeping writes

    /**
     * RabbitMQ's fresh-database defaults: {@code user}, full permissions for it on {@code vhost}, then the vhost.
     * Each create leaves an existing znode alone, and the vhost, whose parent marks the data initialised, comes
     * last: a crash in between, or two brokers starting together, end the same way. True if this call created
     * the vhost.
     */
    boolean createDefaults(String vhost, User user) {
        nodes.create(user(user.name()), encodeUser(user));
        nodes.create(permission(vhost, user.name()), encodePermission(Permission.all(vhost, user.name())));
        return nodes.create(vhost(vhost), encodeVhost());
    }

    /** Deletes the user's permission in every vhost, orphans included (the vhost may be gone already). */
    void deleteUserPermissions(String user) {
        for (String vhostChild : nodes.children(PERMISSIONS)) {
            nodes.delete(PERMISSIONS + "/" + vhostChild + "/" + WharfZNodes.encodeSegment(user));
        }
    }

    // ---- reading whole sections

    Set<String> readVhosts() {
        Set<String> vhosts = new HashSet<>();
        for (String child : nodes.children(VHOSTS)) {
            decoded(VHOSTS, child).ifPresent(vhosts::add);
        }
        return vhosts;
    }

    Map<String, User> readUsers() {
        Map<String, User> users = new HashMap<>();
        for (String child : nodes.children(USERS)) {
            Optional<String> name = decoded(USERS, child);
            if (name.isEmpty()) {
                continue;
            }
            String path = USERS + "/" + child;
            nodes.get(path).flatMap(data -> parsed(path, () -> decodeUser(path, name.get(), data)))
                    .ifPresent(user -> users.put(user.name(), user));
        }
        return users;
    }

    Map<AccessSnapshot.Key, Permission> readPermissions() {
        Map<AccessSnapshot.Key, Permission> permissions = new HashMap<>();
        for (String vhostChild : nodes.children(PERMISSIONS)) {
            Optional<String> vhost = decoded(PERMISSIONS, vhostChild);
            if (vhost.isEmpty()) {
                continue;
            }
            String vhostPath = PERMISSIONS + "/" + vhostChild;
            for (String userChild : nodes.children(vhostPath)) {
                Optional<String> user = decoded(vhostPath, userChild);
                if (user.isEmpty()) {
                    continue;
                }
                String path = vhostPath + "/" + userChild;
                nodes.get(path)
                        .flatMap(data -> parsed(path, () -> decodePermission(path, vhost.get(), user.get(), data)))
                        .ifPresent(p -> permissions.put(new AccessSnapshot.Key(p.vhost(), p.user()), p));
            }
        }
        return permissions;
    }

    /** The user as stored now, read from ZooKeeper rather than the cache. */
    Optional<User> readUser(String name) {
        String path = user(name);
        return nodes.get(path).map(data -> decodeUser(path, name, data));
    }

    // ---- codecs

    static byte[] encodeVhost() {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        return bytes(node);
    }

    static byte[] encodeUser(User user) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        node.put("password_hash", user.passwordHash().map(PasswordHash::toBase64).orElse(""));
        node.put("hashing_algorithm", PasswordHash.ALGORITHM);
        ArrayNode tags = node.putArray("tags");
        user.tags().forEach(tags::add);
        return bytes(node);
    }

    static User decodeUser(String path, String name, byte[] data) {
        JsonNode node = object(path, data);
        String hash = node.path("password_hash").asText("");
        String algorithm = node.path("hashing_algorithm").asText(PasswordHash.ALGORITHM);
        Optional<PasswordHash> passwordHash = Optional.empty();
        if (!hash.isEmpty()) {
            if (algorithm.equals(PasswordHash.ALGORITHM)) {
                try {
                    passwordHash = Optional.of(PasswordHash.fromBase64(hash));
                } catch (IllegalArgumentException e) {
                    throw new MetadataException("Znode " + WharfZNodes.ROOT + "/" + path
                            + " holds a bad password_hash: " + e.getMessage(), e);
                }
            } else {
                log.warn("User '{}' at {}/{} has a password hashed with {}, which Wharf cannot check; "
                        + "the user cannot log in with a password until it is set again", name, WharfZNodes.ROOT, path,
                        algorithm);
            }
        }
        Set<String> tags = new HashSet<>();
        for (JsonNode tag : node.path("tags")) {
            tags.add(tag.asText());
        }
        return new User(name, passwordHash, tags);
    }

    static byte[] encodePermission(Permission permission) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        node.put("configure", permission.configure());
        node.put("write", permission.write());
        node.put("read", permission.read());
        return bytes(node);
    }

    static Permission decodePermission(String path, String vhost, String user, byte[] data) {
        JsonNode node = object(path, data);
        String[] regexes = new String[3];
        String[] fields = {"configure", "write", "read"};
        for (int i = 0; i < fields.length; i++) {
            JsonNode field = node.get(fields[i]);
            if (field == null || !field.isTextual()) {
                throw new MetadataException("Znode " + WharfZNodes.ROOT + "/" + path + " has no string field '"
                        + fields[i] + "': " + node);
            }
            regexes[i] = field.textValue();
        }
        try {
            return new Permission(vhost, user, regexes[0], regexes[1], regexes[2]);
        } catch (IllegalArgumentException e) {
            throw new MetadataException("Znode " + WharfZNodes.ROOT + "/" + path + ": " + e.getMessage(), e);
        }
    }

    // ---- plumbing

    private static Optional<String> decoded(String parent, String child) {
        try {
            return Optional.of(WharfZNodes.decodeSegment(child));
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring {}/{}/{}: not an encoded name ({})", WharfZNodes.ROOT, parent, child, e.getMessage());
            return Optional.empty();
        }
    }

    private interface Decoder<T> {
        T decode();
    }

    private static <T> Optional<T> parsed(String path, Decoder<T> decoder) {
        try {
            return Optional.of(decoder.decode());
        } catch (MetadataException e) {
            log.warn("Ignoring a znode that does not parse: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static JsonNode object(String path, byte[] data) {
        JsonNode node;
        try {
            node = data.length == 0 ? null : JSON.readTree(data);
        } catch (IOException e) {
            throw new MetadataException("Znode " + WharfZNodes.ROOT + "/" + path + " does not hold valid JSON: '"
                    + new String(data, StandardCharsets.UTF_8) + "'", e);
        }
        if (node == null || !node.isObject()) {
            throw new MetadataException("Znode " + WharfZNodes.ROOT + "/" + path + " does not hold a JSON object: '"
                    + new String(data, StandardCharsets.UTF_8) + "'");
        }
        return node;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise " + node, e);
        }
    }
}
