package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.common.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wharf's own znodes, everything under {@value #ROOT} (vhosts, users, permissions, and later exchanges, queues
 * and bindings), as plain bytes: the callers own their formats. Paths are relative to the root and written
 * without a leading or trailing slash ({@code "users/alice"}); the empty path is the root itself. A name that
 * comes from a user (a vhost, a queue) goes into a path only through {@link #encodeSegment}, so that no name can
 * reach outside its parent znode.
 *
 * <p>One instance per {@link ZkMetadataStore}, sharing its Curator client and so its ZooKeeper session. The store
 * creates the root on start. Every call needs a started store and throws {@link MetadataException} when ZooKeeper
 * cannot be reached (after Curator's bounded retries); a malformed path throws {@link IllegalArgumentException}.
 *
 * <p>Thread-safe.
 */
public final class WharfZNodes {

    /** The parent of every Wharf-specific znode. */
    public static final String ROOT = "/wharf";

    private static final Logger log = LoggerFactory.getLogger(WharfZNodes.class);

    private final CuratorFramework client;
    private final String connectString;
    /** Watches still open, closed with the store (a cache outliving its client only logs errors). */
    private final Set<CuratorCache> watches = ConcurrentHashMap.newKeySet();

    WharfZNodes(CuratorFramework client, String connectString) {
        this.client = client;
        this.connectString = connectString;
    }

    /** Data of /wharf/&lt;path&gt;, or empty if absent. */
    public Optional<byte[]> get(String path) {
        String full = absolute(path);
        return ZkCalls.call(what("read", full), () -> {
            try {
                return Optional.of(client.getData().forPath(full));
            } catch (KeeperException.NoNodeException absent) {
                return Optional.empty();
            }
        });
    }

    /** Creates or overwrites /wharf/&lt;path&gt;, creating parents. */
    public void put(String path, byte[] data) {
        String full = absolute(path);
        Objects.requireNonNull(data, "data");
        ZkCalls.run(what("write", full),
                () -> client.create().orSetData().creatingParentsIfNeeded().forPath(full, data));
    }

    /** Creates /wharf/&lt;path&gt; (parents too) unless it exists; true if this call created it. */
    public boolean create(String path, byte[] data) {
        String full = absolute(path);
        Objects.requireNonNull(data, "data");
        return ZkCalls.call(what("create", full), () -> {
            try {
                client.create().creatingParentsIfNeeded().forPath(full, data);
                return true;
            } catch (KeeperException.NodeExistsException alreadyThere) {
                return false;
            }
        });
    }

    /** Deletes /wharf/&lt;path&gt; and everything under it; false if it was absent. */
    public boolean delete(String path) {
        String full = absolute(path);
        if (full.equals(ROOT)) {
            throw new IllegalArgumentException("Refusing to delete " + ROOT + " itself");
        }
        return ZkCalls.call(what("delete", full), () -> {
            try {
                client.delete().deletingChildrenIfNeeded().forPath(full);
                return true;
            } catch (KeeperException.NoNodeException absent) {
                return false;
            }
        });
    }

    /** Child names of /wharf/&lt;path&gt;, sorted; empty if absent. */
    public List<String> children(String path) {
        String full = absolute(path);
        return ZkCalls.call(what("list", full), () -> {
            try {
                List<String> names = new ArrayList<>(client.getChildren().forPath(full));
                names.sort(null);
                return List.copyOf(names);
            } catch (KeeperException.NoNodeException absent) {
                return List.of();
            }
        });
    }

    /**
     * Runs {@code onChange} (on a Curator thread) after any create/change/delete at or below /wharf/&lt;path&gt;;
     * close to stop.
     *
     * <p>A Curator {@link CuratorCache} mirrors the subtree (the path need not exist yet) and keeps doing so across
     * reconnects and session expiry, re-reading what changed meanwhile. {@code onChange} also runs once when the
     * cache has first loaded, so a change made between the caller's own read and the start of the watch is never
     * missed. A notification means "read again", not what changed; bursts may or may not be coalesced.
     * {@code onChange} runs on ZooKeeper's event thread: it must return quickly and must not call ZooKeeper
     * (hand the work to a thread of your own). An exception it throws is logged.
     */
    public AutoCloseable watch(String path, Runnable onChange) {
        String full = absolute(path);
        Objects.requireNonNull(onChange, "onChange");
        CuratorCache cache = CuratorCache.build(client, full);
        Runnable guarded = () -> {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                log.warn("Watcher of {} failed", full, e);
            }
        };
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> guarded.run())
                .forInitialized(guarded)
                .afterInitialized()
                .build());
        watches.add(cache);
        ZkCalls.run(what("watch", full), cache::start);
        return () -> {
            if (watches.remove(cache)) {
                cache.close();
            }
        };
    }

    /**
     * Encodes one path segment (a vhost or queue name may contain '/' and any Unicode): URL-encoding in UTF-8,
     * reversible by {@link #decodeSegment}. "." and ".." (which ZooKeeper refuses as segments) become "%2E" and
     * "%2E%2E".
     *
     * @throws IllegalArgumentException for an empty name, which has no segment
     */
    public static String encodeSegment(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("An empty name cannot be a znode name");
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
        return switch (encoded) {
            case "." -> "%2E";
            case ".." -> "%2E%2E";
            default -> encoded;
        };
    }

    /** The name {@link #encodeSegment} encoded; IllegalArgumentException if {@code segment} is not such an encoding. */
    public static String decodeSegment(String segment) {
        Objects.requireNonNull(segment, "segment");
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    /** Closes the watches still open; the store calls this before closing its client. */
    void close() {
        for (CuratorCache cache : watches) {
            cache.close();
        }
        watches.clear();
    }

    /** {@code /wharf/<path>} after checking {@code path} is relative and every segment is legal in ZooKeeper. */
    private static String absolute(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            return ROOT;
        }
        if (path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("Znode path '" + path + "' must be relative to " + ROOT
                    + ", without a leading or trailing '/'");
        }
        String full = ROOT + "/" + path;
        try {
            PathUtils.validatePath(full);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid znode path '" + full + "': " + e.getMessage(), e);
        }
        return full;
    }

    private String what(String verb, String fullPath) {
        return "Cannot " + verb + " " + fullPath + " in ZooKeeper at " + connectString;
    }
}
