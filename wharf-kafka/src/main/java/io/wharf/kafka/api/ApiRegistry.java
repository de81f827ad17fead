package io.wharf.kafka.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * The APIs this broker implements, each with the version range it really supports. ApiVersions advertises
 * exactly this table (see {@link ApiVersionsHandler} for the one exception), and the connection answers
 * anything outside it with UNSUPPORTED_VERSION.
 */
public final class ApiRegistry {
    /** One implemented API: its handler and version range. */
    public record Registration(ApiKeys api, short minVersion, short maxVersion, ApiHandler<AbstractRequest> handler) {
        public boolean supports(short version) { return version >= minVersion && version <= maxVersion; }
    }

    private final Map<ApiKeys, Registration> apis = new EnumMap<>(ApiKeys.class);

    /** Registers {@code handler} for every version kafka-clients knows from {@code minVersion} on. */
    public <Q extends AbstractRequest> ApiRegistry register(ApiKeys api, int minVersion, ApiHandler<Q> handler) {
        return register(api, minVersion, api.latestVersion(), handler);
    }

    @SuppressWarnings("unchecked")
    public <Q extends AbstractRequest> ApiRegistry register(ApiKeys api, int minVersion, int maxVersion,
                                                            ApiHandler<Q> handler) {
        int min = Math.max(minVersion, api.oldestVersion());
        int max = Math.min(maxVersion, api.latestVersion());
        if (min > max) throw new IllegalArgumentException(api + ": no version in [" + minVersion + ", " + maxVersion + "]");
        apis.put(api, new Registration(api, (short) min, (short) max, (ApiHandler<AbstractRequest>) handler));
        return this;
    }

    public Optional<Registration> lookup(ApiKeys api) { return Optional.ofNullable(apis.get(api)); }

    public Map<ApiKeys, Registration> all() { return Collections.unmodifiableMap(apis); }
}
